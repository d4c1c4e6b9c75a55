#!/usr/bin/env node
// The widget's demo for `npm run dev` (scripts/dev.mjs starts it): two small static servers on origins of their
// own, so the demo is a real third-party embed (the blob: worker path included), as in production.
//   DEMO_PORT (default 5174)    the demo page (apps/web/widget-demo/) with a strict Content-Security-Policy
//   WIDGET_PORT (default 5175)  the widget build (WIDGET_DIR, default .state/widget: `vite build --watch` of
//                               vite.widget.config.ts writes it) at /widget/, with the CORS headers of _headers
// API_URL (default http://127.0.0.1:8787) is the API the demo's widgets use. Plain Node, no dependencies.
import { createReadStream, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DEMO_DIR = join(ROOT, "apps", "web", "widget-demo");
const HOST = "127.0.0.1";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
};

/** The strict policy docs/widget.md asks of a host, for a page whose own script and CSS are on its origin. */
export function demoCsp(widgetOrigin, apiOrigin) {
  return [
    "default-src 'none'",
    `script-src 'self' ${widgetOrigin} 'wasm-unsafe-eval'`,
    "style-src 'self'",
    `connect-src ${apiOrigin} ${widgetOrigin}`,
    "worker-src blob:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/** The demo page's files, with the URLs filled in. */
function demoFiles(widgetUrl, apiUrl) {
  const fill = (name) =>
    readFileSync(join(DEMO_DIR, name), "utf8")
      .replaceAll("%WIDGET_URL%", widgetUrl)
      .replaceAll("%API_URL%", apiUrl);
  return { "/": fill("index.html"), "/demo.css": fill("demo.css"), "/demo.js": fill("demo.js") };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => resolve(`http://${HOST}:${port}`));
  });
}

/** Starts both servers; resolves to their URLs and a stop function. */
export async function startWidgetDemo({ demoPort, widgetPort, apiUrl, widgetDir }) {
  const widgetOrigin = `http://${HOST}:${widgetPort}`;
  const widgetUrl = `${widgetOrigin}/widget/latest/commonspace-widget.js`;
  const csp = demoCsp(widgetOrigin, new URL(apiUrl).origin);
  const demo = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://demo.local").pathname;
    const files = demoFiles(widgetUrl, apiUrl); // read per request: edits show on reload
    const body = files[pathname === "/index.html" ? "/" : pathname];
    if (body === undefined) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    const type = TYPES[extname(pathname)] ?? TYPES[".html"];
    res.writeHead(200, { "content-type": type, "cache-control": "no-store", "content-security-policy": csp });
    res.end(body);
  });
  const widget = createServer((req, res) => void serveWidgetFile(widgetDir, req, res));
  const urls = { demo: await listen(demo, demoPort), widget: await listen(widget, widgetPort), widgetUrl };
  const stop = () => Promise.all([demo, widget].map((s) => new Promise((resolve) => s.close(resolve))));
  return { ...urls, stop };
}

/** A widget file by path under /widget/, as the production host serves it (CORS, CORP), never cached in dev. */
async function serveWidgetFile(widgetDir, req, res) {
  const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://widget.local").pathname);
  const path = normalize(join(widgetDir, pathname.replace(/^\/widget\//, "/")));
  const inside = pathname.startsWith("/widget/") && path.startsWith(widgetDir + sep);
  const info = inside ? await stat(path).catch(() => null) : null;
  const headers = {
    "access-control-allow-origin": "*",
    "cross-origin-resource-policy": "cross-origin",
    "cache-control": "no-cache",
  };
  if (!info?.isFile()) {
    res.writeHead(404, { ...headers, "content-type": "text/plain" });
    return void res.end(`not found (is the widget build still running? it writes ${widgetDir})`);
  }
  res.writeHead(200, { ...headers, "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
  if (req.method === "HEAD") res.end();
  else createReadStream(path).pipe(res);
}

function port(name, fallback) {
  const value = Number(process.env[name] || fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new Error(`${name} is not a port: ${value}`);
  return value;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { demo, widget } = await startWidgetDemo({
    demoPort: port("DEMO_PORT", 5174),
    widgetPort: port("WIDGET_PORT", 5175),
    apiUrl: process.env.API_URL || "http://127.0.0.1:8787",
    widgetDir: normalize(process.env.WIDGET_DIR || join(ROOT, ".state", "widget")),
  });
  console.log(`demo page ${demo}/ · widget files ${widget}/widget/`);
}
