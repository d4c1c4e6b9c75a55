/**
 * The web app as it ships: a static build (`vite build`, adapter-static) for a given API URL, served by
 * {@link serveStatic}. `PUBLIC_API_URL` is fixed at build time, so each API gets its own build (~5 s).
 */
import { createRequire } from "node:module";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { WEB_DIR, makeTempDir } from "./paths";
import { childEnv, runToCompletion } from "./process-group";
import { serveStatic } from "./static-server";

/** A served build of the web app. */
export interface WebApp {
  /** Base URL without a trailing slash. */
  readonly url: string;
  /** Stops the server and deletes the build. */
  stop(): Promise<void>;
}

/** Builds the web app into a temporary folder, talking to the API at `apiUrl`. Returns the folder. */
export async function buildWeb(apiUrl: string): Promise<string> {
  const tempDir = await makeTempDir("web");
  const outDir = join(tempDir, "build");
  // vite's package exports hide bin/, but its package.json is exported and the bin sits beside it.
  const vite = join(
    dirname(createRequire(join(WEB_DIR, "package.json")).resolve("vite/package.json")),
    "bin",
    "vite.js",
  );
  await runToCompletion("vite build", process.execPath, [vite, "build", "--logLevel", "warn"], {
    cwd: WEB_DIR,
    // WEB_BUILD_DIR (svelte.config.js) keeps the developer's apps/web/build untouched.
    env: childEnv({ PUBLIC_API_URL: apiUrl, WEB_BUILD_DIR: outDir }),
  }).catch(async (err: unknown) => {
    await rm(tempDir, { recursive: true, force: true });
    throw err;
  });
  return outDir;
}

/** Builds the web app for `apiUrl` and serves it on `port` (default: a free one). */
export async function startWeb(apiUrl: string, port?: number): Promise<WebApp> {
  const outDir = await buildWeb(apiUrl);
  const server = await serveStatic(outDir, "index.html", port);
  return {
    url: server.url,
    async stop() {
      await server.stop();
      await rm(join(outDir, ".."), { recursive: true, force: true });
    },
  };
}
