/**
 * The third-party pages of the widget test: a host page with two generate widgets and one label widget under a
 * strict CSP, CSS written to clash with the widgets (a global `* {…}`, `img {…}`, `button {…}` and the widgets'
 * own class names), and a script of the host's own that records every `commonspace-*` event in `window.hostLog`;
 * and a page of widgets with bad attributes.
 */
import type { HostFile } from "./widget-host";

/** Colours and sizes the host CSS sets, so the test can tell a leak when it sees one. */
export const CLASH = {
  colour: "rgb(255, 0, 0)",
  font: '"Courier New", monospace',
  classBackground: "rgb(0, 0, 255)",
  classPadding: "33px",
  buttonBackground: "rgb(255, 0, 255)",
  buttonFontSize: "30px",
  imageBorder: "7px",
};

/** The widgets' own class names (src/widget), which the host CSS also styles. */
const WIDGET_CLASSES = [
  ".base",
  ".grid",
  ".cell",
  ".image",
  ".status",
  ".error",
  ".form",
  ".choice",
  ".prompt",
];

const HOST_CSS = `
* { color: ${CLASH.colour} !important; font-family: ${CLASH.font} !important; letter-spacing: 3px; box-sizing: content-box; }
img, canvas { border: ${CLASH.imageBorder} solid rgb(0, 255, 0); display: inline; width: 13px; }
button { background: ${CLASH.buttonBackground}; font-size: ${CLASH.buttonFontSize}; }
input { border: 9px dashed rgb(0, 255, 0); }
${WIDGET_CLASSES.join(", ")} { display: inline; padding: ${CLASH.classPadding}; background: ${CLASH.classBackground}; font-size: 9px; }
commonspace-generate, commonspace-label { margin: 8px 0; }
`;

const HOST_JS = `
window.hostLog = [];
window.hostPng = [];
const summary = {
  "commonspace-progress": (d) => ({ stage: d.stage }),
  "commonspace-result": (d) => ({
    caption: d.caption,
    seed: d.seed,
    version: d.version,
    images: d.images.map((i) => [i.constructor.name, i.width, i.height, i.data.length]),
    blobs: d.blobs.map((b) => [b.constructor.name, b.type, b.size]),
  }),
  "commonspace-error": (d) => ({ code: d.code, message: d.message, attribute: d.attribute }),
  "commonspace-answer": (d) => ({ taskId: d.taskId, choice: d.choice, judgments: d.judgments, kind: d.kind }),
};
for (const [type, describe] of Object.entries(summary)) {
  document.addEventListener(type, (event) => window.hostLog.push({ type, target: event.target.id, ...describe(event.detail) }));
}
document.addEventListener("commonspace-result", async (event) => {
  const bytes = new Uint8Array(await event.detail.blobs[0].arrayBuffer());
  window.hostPng.push([event.target.id, Array.from(bytes.slice(0, 8))]);
});
let clicks = 0;
document.getElementById("host-button").addEventListener("click", () => {
  clicks += 1;
  document.getElementById("host-count").textContent = String(clicks);
});
`;

/** The widget's script tag: with SRI when `integrity` is given. */
function widgetScript(widgetUrl: string, integrity?: string): string {
  const sri = integrity ? ` integrity="${integrity}" crossorigin="anonymous"` : "";
  return `<script type="module" src="${widgetUrl}"${sri}></script>`;
}

function page(title: string, head: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="stylesheet" href="/host.css">
<script type="module" src="/host.js"></script>
${head}
</head>
<body>
<h1 class="title">${title}</h1>
<div class="grid" id="host-grid">The host's own .grid</div>
<p><button type="button" class="button" id="host-button">Host button</button> clicked <output id="host-count">0</output></p>
${body}
</body>
</html>
`;
}

/** Options of {@link widgetHostFiles}. */
export interface WidgetHostOptions {
  readonly widgetUrl: string;
  /** SRI of the widget's entry (integrity.json). */
  readonly integrity: string;
  readonly api: string;
  /** An API URL where nothing listens. */
  readonly unreachableApi: string;
  readonly csp: string;
  /** A policy that refuses the widget's worker (for `/no-worker.html`). */
  readonly cspWithoutWorkers: string;
}

/**
 * `/index.html` (three widgets), `/bad.html` (bad attributes), `/no-worker.html` (a CSP that refuses the worker),
 * `/host.css`, `/host.js`.
 */
export function widgetHostFiles(options: WidgetHostOptions): Record<string, HostFile> {
  const { widgetUrl, integrity, api, unreachableApi, csp, cspWithoutWorkers } = options;
  const index = page(
    "A host page",
    widgetScript(widgetUrl, integrity),
    `<commonspace-generate id="apples" caption="red apple" count="4" seed="7" api="${api}"></commonspace-generate>
<commonspace-generate id="squares" caption="blue square" count="2" seed="3" guidance="2" api="${api}"></commonspace-generate>
<commonspace-label id="label" api="${api}"></commonspace-label>`,
  );
  const bad = page(
    "Bad attributes",
    widgetScript(widgetUrl),
    `<commonspace-generate id="too-many" caption="red apple" count="1000" api="${api}"></commonspace-generate>
<commonspace-generate id="empty-caption" caption="" api="${api}"></commonspace-generate>
<commonspace-generate id="unknown-channel" caption="red apple" channel="nightly" api="${api}"></commonspace-generate>
<commonspace-generate id="unreachable" caption="red apple" api="${unreachableApi}" loading="eager"></commonspace-generate>
<commonspace-label id="label-unreachable" api="${unreachableApi}"></commonspace-label>
<commonspace-label id="label-kind" kind="draw" api="${api}"></commonspace-label>`,
  );
  const noWorker = page(
    "No worker-src",
    widgetScript(widgetUrl),
    `<commonspace-generate id="no-worker" caption="red apple" api="${api}" loading="eager"></commonspace-generate>`,
  );
  return {
    "/index.html": { body: index, csp },
    "/bad.html": { body: bad, csp },
    "/no-worker.html": { body: noWorker, csp: cspWithoutWorkers },
    "/host.css": { body: HOST_CSS },
    "/host.js": { body: HOST_JS },
  };
}
