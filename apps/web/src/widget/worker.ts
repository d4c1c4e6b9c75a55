// The model worker, started from a page on another origin. A dedicated Worker must be same-origin with the page
// that creates it, and the widget's files live on our origin, not the host's. So the widget starts a tiny
// module worker from a `blob:` URL (same origin as the host by definition), and that worker `import()`s the real
// model worker module from the widget's folder with CORS. Inside it, `import.meta.url` is then the widget's
// folder, so onnxruntime-web loads its glue (.mjs) and .wasm from there; the worker's origin (and so its Cache
// API store of model files) is the host's. The host's CSP must allow `worker-src blob:`, and `script-src` /
// `connect-src` the widget's origin (docs/widget.md). On the widget's own origin the module worker starts as usual.
import modelWorkerPath from "@commonspace/model/worker?worker&url";

/** The worker's name in the browser's devtools. */
const WORKER_NAME = "commonspace-model";

/** Absolute URL of the model worker module in the widget's folder. */
export function modelWorkerUrl(): string {
  return new URL(modelWorkerPath, import.meta.url).href;
}

/**
 * The code of the bootstrap worker: it holds messages that arrive while the model worker module loads (the
 * client sends its first request at once) and hands them on once the module has set up its listener. A failed
 * import becomes an uncaught error, i.e. an `error` event on the Worker, which the model client reports.
 */
export function bootstrapSource(moduleUrl: string): string {
  const url = JSON.stringify(moduleUrl);
  return [
    "const early = [];",
    "const hold = (event) => early.push(event);",
    'self.addEventListener("message", hold);',
    `import(${url}).then(`,
    "  () => {",
    '    self.removeEventListener("message", hold);',
    '    for (const e of early) self.dispatchEvent(new MessageEvent("message", { data: e.data, ports: [...e.ports] }));',
    "  },",
    "  (error) => setTimeout(() => {",
    `    throw new Error("cannot load the model worker module " + ${url} + " (" + error + ")");`,
    "  }),",
    ");",
  ].join("\n");
}

interface TrustedTypesLike {
  createPolicy(
    name: string,
    rules: { createScriptURL(url: string): string },
  ): {
    createScriptURL(url: string): unknown;
  };
}

let policy: { createScriptURL(url: string): unknown } | undefined | null;

/**
 * The worker URL as Trusted Types want it: pages that enforce them (`require-trusted-types-for 'script'`) must
 * list the policy `commonspace-widget` in `trusted-types`. It passes only the URLs made here.
 */
function scriptUrl(url: string): string {
  if (policy === undefined) {
    const types = (globalThis as { trustedTypes?: TrustedTypesLike }).trustedTypes;
    try {
      policy = types?.createPolicy("commonspace-widget", { createScriptURL: (u) => u }) ?? null;
    } catch {
      policy = null; // the page's CSP does not allow the policy; without enforcement a string still works
    }
  }
  return (policy?.createScriptURL(url) ?? url) as string;
}

/** Starts the model worker for this page (see the file header). */
export function createWidgetWorker(): Worker {
  const url = modelWorkerUrl();
  if (new URL(url).origin === location.origin) {
    return new Worker(scriptUrl(url), { type: "module", name: WORKER_NAME });
  }
  const blobUrl = URL.createObjectURL(new Blob([bootstrapSource(url)], { type: "text/javascript" }));
  const worker = new Worker(scriptUrl(blobUrl), { type: "module", name: WORKER_NAME });
  // The first answer (or a failure) means the bootstrap has been read: the URL is no longer needed.
  const revoke = (): void => URL.revokeObjectURL(blobUrl);
  worker.addEventListener("message", revoke, { once: true });
  worker.addEventListener("error", revoke, { once: true });
  return worker;
}
