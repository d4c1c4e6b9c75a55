// Smoke check of the model worker in a real browser: bundles src/worker/model-worker.ts and a tiny page with
// esbuild, serves them with onnxruntime-web's files and a bundle folder, and drives Debian's Chromium
// (playwright-core, ENVIRONMENT.md's flags) to load the bundle through createModelClient, generate 8 images with
// partial previews, cancel a generation, embed and caption. Prints one JSON object: the BackendInfo (threads,
// WebGPU self-check), timings, partial count, the cancel step and the page's long tasks (none expected).
//   node packages/model/scripts/worker-smoke.mjs [--webgpu] [--isolated] [--threads=N] [--bundle=DIR]
// --webgpu adds --enable-unsafe-webgpu (SwiftShader: slow, correctness only); --isolated serves COOP/COEP so
// wasm threads are allowed. Not a test: no assertions, and it needs /usr/bin/chromium.
import { createServer } from "node:http";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const flag = (name) => process.argv.includes(`--${name}`);
const BUNDLE = arg("bundle") ?? join(PACKAGE, "test/fixtures/tiny-bundle");
const THREADS = arg("threads");

const PAGE = `
import { createModelClient } from "./src/index";
window.smoke = async (threads) => {
  const longTasks = [];
  new PerformanceObserver((l) => l.getEntries().forEach((e) => longTasks.push(Math.round(e.duration)))).observe({ type: "longtask" });
  const client = createModelClient({ worker: () => new Worker("/worker.js", { type: "module" }), wasmPaths: "/ort/", ...(threads && { threads }) });
  const warnings = [];
  client.on("warning", (w) => warnings.push(w.name + ": " + w.message));
  const time = async (f) => { const t = performance.now(); const r = await f(); return [r, Math.round(performance.now() - t)]; };
  const [loaded, loadMs] = await time(() => client.load({ url: "/bundle/" }));
  let partials = 0;
  const options = { count: 8, seed: 1, previewEvery: 8, previewIntervalMs: 0, onProgress: (p) => p.partial && partials++ };
  const [generation, firstMs] = await time(() => client.generate("red apple", options));
  const [, secondMs] = await time(() => client.generate("red apple", { count: 8, seed: 1 }));
  const controller = new AbortController();
  let abortedAt;
  const cancel = await client.generate("blue", { count: 4, seed: 2, signal: controller.signal, onProgress: (p) => {
    if (p.step === 20) { abortedAt = p.step; controller.abort(); } } }).catch((e) => ({ name: e.name, step: e.step }));
  const caption = await client.caption(generation.candidates[0].image);
  const backend = await client.backend();
  client.terminate();
  const codes = Array.from(generation.candidates.find((c) => c.index === 0).codes.slice(0, 8));
  return { version: loaded.version, backend, loadMs, firstMs, secondMs, partials, codes, abortedAt, cancel, caption,
    warnings, longTasks, crossOriginIsolated };
};`;

const common = {
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  write: false,
  logLevel: "warning",
};
const [worker, page] = await Promise.all([
  build({ ...common, entryPoints: [join(PACKAGE, "src/worker/model-worker.ts")], outfile: "worker.js" }),
  build({ ...common, stdin: { contents: PAGE, resolveDir: PACKAGE, loader: "ts" }, outfile: "page.js" }),
]);
const FILES = { "/worker.js": worker.outputFiles[0].contents, "/page.js": page.outputFiles[0].contents };
const DIRS = [
  ["/ort/", join(PACKAGE, "node_modules/onnxruntime-web/dist")],
  ["/bundle/", BUNDLE],
];
const TYPES = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
};
const isolation = flag("isolated")
  ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }
  : {};

const server = createServer(async (request, response) => {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  const send = (status, body, type) => {
    response.writeHead(status, { "content-type": type, ...isolation });
    response.end(body);
  };
  if (path === "/")
    return send(200, '<!doctype html><script type="module" src="/page.js"></script>', "text/html");
  if (FILES[path]) return send(200, FILES[path], "text/javascript");
  const dir = DIRS.find(([prefix]) => path.startsWith(prefix));
  if (!dir) return send(404, "not found", "text/plain");
  try {
    const body = await readFile(join(dir[1], path.slice(dir[0].length)));
    send(200, body, TYPES[extname(path)] ?? "application/octet-stream");
  } catch {
    send(404, "not found", "text/plain");
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

const profile = await mkdtemp(join(tmpdir(), "worker-smoke-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: [
    ...["--headless", "--no-sandbox", "--no-first-run", "--disable-background-networking"],
    ...["--disable-component-update", "--disable-sync", "--disable-quic"],
    ...(flag("webgpu") ? ["--enable-unsafe-webgpu"] : []),
  ],
});
try {
  const tab = await context.newPage();
  const errors = [];
  tab.on("pageerror", (error) => errors.push(error.message));
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => typeof window.smoke === "function");
  const result = await tab.evaluate((threads) => window.smoke(threads), THREADS && Number(THREADS));
  console.log(JSON.stringify({ ...result, errors }, null, 1));
} finally {
  await context.close();
  await rm(profile, { recursive: true, force: true });
  server.close();
}
