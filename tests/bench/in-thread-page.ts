/**
 * The old in-thread baseline: a page that runs @commonspace/model's in-thread `loadModel` on its own main thread,
 * as the app did before the model worker. Bundled with esbuild (the approach of
 * packages/model/scripts/worker-smoke.mjs) and served cross-origin isolated, like the app, with
 * onnxruntime-web's files under /ort/ and a bundle folder under /bundle/.
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, sep } from "node:path";
import type { TestBrowser } from "../support/browser";
import { HOST, freePort } from "../support/free-port";
import { REPO_ROOT } from "../support/paths";
import { REQUEST, type GeneratePage, type GenerationSample } from "./generate-page";
import { recordMainThread, type ProbeWindow } from "./main-thread-probe";

const MODEL_PACKAGE = join(REPO_ROOT, "packages/model/package.json");

/** What the page puts on `window` (see {@link PAGE_SOURCE}). */
export interface InThreadWindow {
  inThread: {
    /** Loads the bundle under /bundle/; returns the backend name and wasm threads. */
    load(): Promise<{ name: string; threads: number }>;
    /** One generation on this thread, as the Generate page asks for it. */
    generate(request: { caption: string; count: number; guidance: number; seed: number }): Promise<void>;
  };
}

// One wasm thread: what the in-thread app got on a page's main thread here ("auto" is half the cores, at most 4).
const PAGE_SOURCE = `
import { env, loadModel } from "@commonspace/model";
env.wasm.paths = "/ort/";
env.wasm.threads = 1;
let model;
window.inThread = {
  async load() {
    model = await loadModel({ url: new URL("/bundle/", location.href).href });
    const backend = await model.backend();
    return { name: backend.name, threads: backend.threads };
  },
  async generate({ caption, ...options }) {
    await model.generate(caption, { ...options, onProgress: () => {} });
  },
};`;

const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

/** A served in-thread page. */
export interface InThreadPage {
  /** The page's URL. */
  readonly url: string;
  stop(): Promise<void>;
}

/** The part of esbuild's API used here. */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles?: { contents: Uint8Array }[] }>;
}

/** esbuild as packages/model declares it (this workspace does not depend on it). */
function esbuild(): Esbuild {
  return createRequire(MODEL_PACKAGE)("esbuild") as Esbuild;
}

async function bundlePage(): Promise<Uint8Array> {
  const result = await esbuild().build({
    stdin: { contents: PAGE_SOURCE, resolveDir: dirname(MODEL_PACKAGE), loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    outfile: "page.js",
    logLevel: "warning",
  });
  const [file] = result.outputFiles ?? [];
  if (!file) throw new Error("esbuild produced no page.js for the in-thread page");
  return file.contents;
}

/** A file under `root` for `rest`, or null when `rest` would leave it. */
function inside(root: string, rest: string): string | null {
  const path = normalize(join(root, decodeURIComponent(rest)));
  return path.startsWith(root + sep) ? path : null;
}

/** Bundles the page and serves it, with `bundleDir` under /bundle/, on a free loopback port. */
export async function startInThreadPage(bundleDir: string): Promise<InThreadPage> {
  const page = await bundlePage();
  const ortDir = dirname(createRequire(MODEL_PACKAGE).resolve("onnxruntime-web/ort-wasm-simd-threaded.wasm"));
  const dirs: [string, string][] = [
    ["/ort/", ortDir],
    ["/bundle/", bundleDir],
  ];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://in-thread.test").pathname;
    const send = (status: number, body: string | Uint8Array, type: string) => {
      response.writeHead(status, {
        "content-type": type,
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-embedder-policy": "require-corp",
      });
      response.end(body);
    };
    if (path === "/")
      return send(
        200,
        '<!doctype html><title>in-thread</title><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>',
        "text/html",
      );
    if (path === "/page.js") return send(200, page, "text/javascript");
    const [prefix, root] = dirs.find(([p]) => path.startsWith(p)) ?? [];
    const file = prefix && root ? inside(root, path.slice(prefix.length)) : null;
    if (!file) return send(404, "not found", "text/plain");
    readFile(file).then(
      (body) => send(200, body, TYPES[extname(file)] ?? "application/octet-stream"),
      () => send(404, "not found", "text/plain"),
    );
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, resolve);
  });
  return {
    url: `http://${HOST}:${port}/`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Opens the in-thread page in `browser`, the probe installed, and loads the model (on its main thread). */
export async function openInThreadPage(browser: TestBrowser, url: string): Promise<GeneratePage> {
  const { page, errors } = await browser.newPage();
  await recordMainThread(page);
  await page.goto(url);
  await page.waitForFunction(() => "inThread" in window);
  const backend = await page.evaluate(() => (window as unknown as InThreadWindow).inThread.load());
  if (backend.name !== "wasm" || backend.threads !== 1)
    throw new Error(
      `the in-thread page runs ${backend.name} with ${backend.threads} threads, not wasm with 1`,
    );
  return { page, errors };
}

/** One generation of {@link REQUEST} with `seed` on the in-thread page's main thread. */
export async function generateInThread(
  { page, errors }: GeneratePage,
  seed: number,
): Promise<GenerationSample> {
  const sample = await page.evaluate(
    async (request) => {
      const probe = (window as unknown as ProbeWindow).benchMainThread;
      const { from, to } = await probe.inTask(async () => {
        const start = probe.start();
        await (window as unknown as InThreadWindow).inThread.generate(request);
        return { from: start, to: performance.now() };
      });
      return { wallMs: to - from, ...(await probe.stop(from, to)) };
    },
    { ...REQUEST, seed },
  );
  if (errors.length > 0) throw new Error(`the in-thread page reported errors: ${errors.join("; ")}`);
  return sample;
}
