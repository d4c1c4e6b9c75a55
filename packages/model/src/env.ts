// Process-wide settings of @commonspace/model, in one documented object (like transformers.js's `env`).
// Change them before the first model loads: the backend reads them when it creates its first session.

/** Which ONNX Runtime backend to use. `"auto"` tries WebGPU first and falls back to wasm. */
export type BackendPreference = "auto" | "webgpu" | "wasm";

/** The settings; see {@link env}. */
export interface ModelEnv {
  /** Backend choice (default `"auto"`). `"webgpu"` still falls back to wasm when WebGPU cannot start. */
  backend: BackendPreference;
  wasm: {
    /**
     * Where ONNX Runtime finds its `.wasm`/`.mjs` files: a URL prefix ending in `/`. Leave undefined when the
     * bundler serves `onnxruntime-web`'s `dist/` files beside its entry (Vite does), or in Node.
     */
    paths: string | undefined;
    /**
     * wasm threads (read when the first session is created; fixed after that). `"auto"`: 1 in Node and in
     * pages that are not cross-origin isolated (threads need COOP/COEP there); when isolated, half the cores,
     * at most 4 (on 2 cores a second thread measured 2x slower). A number forces that count (a browser still
     * gets 1 without cross-origin isolation).
     */
    threads: number | "auto";
  };
  /**
   * Give queued events a turn (one macrotask) before every session run. onnxruntime-web's wasm `run` never
   * yields to the event loop, so without this a `cancel` message reaches a worker only after the whole
   * generation. The model worker turns it on; it costs a few microseconds per step. Default false.
   */
  yieldBetweenRuns: boolean;
  /**
   * Trust the DEVELOPMENT manifest key (docs/manifest-format.md §3) for every API origin. By default it is
   * trusted only for loopback origins (localhost, 127.0.0.1, [::1]); production builds must leave this false.
   */
  trustDevelopmentKey: boolean;
  /** Print warnings (backend fallback, storage quota) with `console.warn` as well as emitting them. */
  logWarnings: boolean;
}

/**
 * The process-wide settings object. Example: `env.backend = "wasm"; env.wasm.paths = "/ort/";`.
 */
export const env: ModelEnv = {
  backend: "auto",
  wasm: { paths: undefined, threads: "auto" },
  yieldBetweenRuns: false,
  trustDevelopmentKey: false,
  logWarnings: true,
};

/** How many wasm threads, and why (shown beside the backend badge). */
export interface WasmThreads {
  readonly threads: number;
  /** e.g. "1 wasm thread: this page is not cross-origin isolated (needs COOP same-origin + COEP require-corp)". */
  readonly reason: string;
}

const NOT_ISOLATED = "this page is not cross-origin isolated (needs COOP same-origin + COEP require-corp)";

/** The wasm thread count `env.wasm.threads` resolves to here. */
export function resolveWasmThreads(): number {
  return describeWasmThreads().threads;
}

/** What {@link describeWasmThreads} looks at: `globalThis` (tests pass a stand-in). */
export interface ThreadScope {
  readonly crossOriginIsolated?: boolean;
  readonly navigator?: { readonly hardwareConcurrency?: number };
  readonly process?: { readonly versions?: { readonly node?: string } };
  readonly WorkerGlobalScope?: abstract new () => unknown;
}

/** The wasm thread count `env.wasm.threads` resolves to in `scope`, with the reason (see {@link ModelEnv}). */
export function describeWasmThreads(scope: ThreadScope = globalThis as ThreadScope): WasmThreads {
  const node = typeof scope.process?.versions?.node === "string" && !scope.WorkerGlobalScope;
  const isolated = scope.crossOriginIsolated === true;
  const cores = Math.max(1, scope.navigator?.hardwareConcurrency ?? 1);
  const requested = env.wasm.threads;
  if (requested !== "auto") {
    const threads = Math.max(1, Math.floor(requested));
    if (!node && !isolated && threads > 1)
      return { threads: 1, reason: `1 wasm thread: ${threads} were asked for, but ${NOT_ISOLATED}` };
    return { threads, reason: `${plural(threads)} (env.wasm.threads = ${threads})` };
  }
  if (node) return { threads: 1, reason: "1 wasm thread: Node uses one unless env.wasm.threads says more" };
  if (!isolated) return { threads: 1, reason: `1 wasm thread: ${NOT_ISOLATED}` };
  // Half the cores, at most 4, in a worker too: on 2 cores, 2 threads made an 8-image generation about 2x slower
  // than 1 (docs/BENCHMARKS.md, "Main thread and wasm threads"): the second thread competes with the page and the
  // browser for the other core, and ORT's per-operation synchronisation costs more than the small kernels gain.
  const threads = Math.max(1, Math.min(4, Math.floor(cores / 2)));
  return { threads, reason: `${plural(threads)} (cross-origin isolated, ${cores} cores: half of them)` };
}

function plural(threads: number): string {
  return threads === 1 ? "1 wasm thread" : `${threads} wasm threads`;
}
