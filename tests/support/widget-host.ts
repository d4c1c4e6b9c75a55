/**
 * A third-party site for the widget tests: a few fixed files (pages, their CSS and script) on an origin of its
 * own, the HTML pages sent with the Content-Security-Policy the test chooses (a response header, as a strict
 * host would send it), and `hostCsp()` for the strict policy docs/widget.md tells hosts to set.
 */
import { createServer, type Server } from "node:http";
import { extname } from "node:path";
import { HOST, freePort } from "./free-port";

/** One served file. */
export interface HostFile {
  readonly body: string;
  /** Content-Security-Policy sent with it (HTML pages). */
  readonly csp?: string;
}

/** A running host site. */
export interface HostSite {
  /** Base URL without a trailing slash. */
  readonly url: string;
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
};

/**
 * The minimal strict policy of docs/widget.md, for a page whose own script and CSS are on its origin
 * (`workerSrc` replaces `blob:`, to see what a host that forgot it gets).
 */
export function hostCsp(options: {
  widgetOrigin: string;
  apiOrigins: readonly string[];
  workerSrc?: string;
}): string {
  const { widgetOrigin, apiOrigins, workerSrc = "blob:" } = options;
  return [
    "default-src 'none'",
    `script-src 'self' ${widgetOrigin} 'wasm-unsafe-eval'`,
    "style-src 'self'",
    `connect-src ${[...apiOrigins, widgetOrigin].join(" ")}`,
    `worker-src ${workerSrc}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types commonspace-widget",
  ].join("; ");
}

/** Serves `files` (by path, e.g. `/index.html`; `/` is `/index.html`) on a free loopback port. */
export async function startHostSite(files: Readonly<Record<string, HostFile>>): Promise<HostSite> {
  const server: Server = createServer((req, res) => {
    let pathname = new URL(req.url ?? "/", "http://host.test").pathname;
    if (pathname === "/") pathname = "/index.html";
    const file = files[pathname];
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(pathname)] ?? "application/octet-stream",
      "cache-control": "no-store",
      ...(file.csp && { "content-security-policy": file.csp }),
    });
    res.end(file.body);
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, resolve);
  });
  return {
    url: `http://${HOST}:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
