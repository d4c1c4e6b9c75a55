/**
 * A tiny static file server for the web app's build, as any static host would serve it: files by path, the
 * SPA fallback `index.html` for paths that are not files, and the headers of the build's `_headers` file (the
 * production host's format; it is not served itself), so tests see the app cross-origin isolated as users do.
 */
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { headersFor, parseHeadersFile, type HeaderRule } from "../../apps/web/headers-file";
import { HOST, freePort } from "./free-port";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
  ".onnx": "application/octet-stream",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/** The rules of `root/_headers`, or none. */
function headerRules(root: string): HeaderRule[] {
  const path = join(root, "_headers");
  return existsSync(path) ? parseHeadersFile(readFileSync(path, "utf8")) : [];
}

/** A running static server. */
export interface StaticServer {
  /** Base URL without a trailing slash. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Resolves a URL path to a file inside `root`, or null if it would leave `root` or is not a file. */
async function fileFor(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const path = normalize(join(root, decoded));
  if (path !== root && !path.startsWith(root + sep)) return null;
  const info = await stat(path).catch(() => null);
  if (info?.isFile()) return path;
  if (info?.isDirectory()) return fileFor(root, join(decoded, "index.html"));
  return null;
}

/** Serves `root` on a free loopback port, with `fallback` (default `index.html`) for unknown paths. */
export async function serveStatic(
  root: string,
  fallback = "index.html",
  port?: number,
): Promise<StaticServer> {
  const fallbackPath = join(root, fallback);
  const rules = headerRules(root);
  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://static.test").pathname;
    const lookup = pathname === "/_headers" ? Promise.resolve(null) : fileFor(root, pathname);
    void lookup.then((file) => {
      // Missing assets get a 404; anything else is a client-side route and gets the app shell.
      const isAsset = pathname.startsWith("/_app/") || extname(pathname) !== "";
      if (!file && isAsset) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      const path = file ?? fallbackPath;
      res.writeHead(200, {
        ...headersFor(rules, pathname),
        "content-type": CONTENT_TYPES[extname(path)] ?? "application/octet-stream",
      });
      if (req.method === "HEAD") res.end();
      else createReadStream(path).pipe(res);
    });
  });
  port ??= await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, resolve);
  });
  return {
    url: `http://${HOST}:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
