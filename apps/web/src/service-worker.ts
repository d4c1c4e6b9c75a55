/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// The app shell offline: every file of this build (pages' code, styles, the model worker and
// onnxruntime-web's .wasm) and the static files are cached when this version installs, so after one visit
// the app opens and generates with the network off (the weights themselves live in the model's own Cache API
// cache, which this worker never touches). Only same-origin GETs are handled: the API is another origin and
// its requests go to the network as they are (offline writes wait in the IndexedDB queue instead).
// Written by hand rather than with workbox: the whole policy is the three rules below.
import { build, files, version } from "$service-worker";

const sw = self as unknown as ServiceWorkerGlobalScope;

/** Caches of this worker are named `shell-<version>`; older versions are deleted when this one activates. */
const PREFIX = "shell-";
const CACHE = `${PREFIX}${version}`;
/** The SPA fallback page (adapter-static `fallback`): every route renders from it. */
const SHELL = "/index.html";
/** Files of the build never change under their name; static files and the shell may. */
const IMMUTABLE = new Set(build);
const PRECACHE = [...build, ...files.filter((f) => !f.endsWith("/_headers")), SHELL];

sw.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys())
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== sw.location.origin) return;
  if (request.mode === "navigate") event.respondWith(networkFirst(request, SHELL));
  else if (IMMUTABLE.has(url.pathname)) event.respondWith(cacheFirst(request));
  else event.respondWith(networkFirst(request, url.pathname));
});

/** Build files: from the cache, else the network (and kept). */
async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

/** Pages and static files: the network while it answers (fresh after a deploy), else the cached `fallback`. */
async function networkFirst(request: Request, fallback: string): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && request.mode !== "navigate") await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const hit = (await cache.match(request, { ignoreSearch: true })) ?? (await cache.match(fallback));
    if (hit) return hit;
    throw error;
  }
}
