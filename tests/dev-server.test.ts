// `npm run dev` serves the web app with Vite's dev server, which refuses files outside its allow list with 403.
// onnxruntime-web's .wasm files are fetched by the runtime at model load from where npm installed them, and
// packages/model has its own copy (pinned apart from the tokenizer's), so the dev server must serve that path:
// without it the Generate page fails with "both async and sync fetching of the wasm failed" in dev only (the
// production build copies the files and is covered by browser/generate.test.ts).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort } from "./support/free-port";
import { REPO_ROOT, WEB_DIR } from "./support/paths";

/** The part of Vite's API this test uses (vite is apps/web's dependency, so its types are not visible here). */
interface DevServer {
  listen(): Promise<unknown>;
  close(): Promise<void>;
}
interface ViteApi {
  createServer(config: Record<string, unknown>): Promise<DevServer>;
}

let server: DevServer;
let base: string;

/** The web app's own Vite (apps/web's dependency, not hoisted to the root). */
async function webVite(): Promise<ViteApi> {
  const dir = dirname(createRequire(join(WEB_DIR, "package.json")).resolve("vite/package.json"));
  return (await import(pathToFileURL(join(dir, "dist", "node", "index.js")).href)) as ViteApi;
}

beforeAll(async () => {
  const port = await freePort();
  const { createServer } = await webVite();
  server = await createServer({
    configFile: join(WEB_DIR, "vite.config.ts"),
    root: WEB_DIR,
    logLevel: "warn",
    server: { port, strictPort: true, host: "127.0.0.1" },
  });
  await server.listen();
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await server?.close();
});

it("serves the onnxruntime-web wasm that @commonspace/model loads", async () => {
  const entry = createRequire(join(REPO_ROOT, "packages/model/package.json")).resolve("onnxruntime-web");
  const wasm = join(dirname(entry), "ort-wasm-simd-threaded.jsep.wasm");
  expect(existsSync(wasm)).toBe(true);
  const response = await fetch(`${base}/@fs${wasm}`);
  expect(response.status).toBe(200);
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect(Array.from(bytes.subarray(0, 4))).toEqual([0x00, 0x61, 0x73, 0x6d]); // "\0asm"
});

it("still refuses files outside the repository", async () => {
  expect((await fetch(`${base}/@fs/etc/passwd`)).status).toBe(403);
});

it("serves pages cross-origin isolated, with the production host's headers (static/_headers)", async () => {
  const response = await fetch(`${base}/generate`);
  expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  expect(response.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
});
