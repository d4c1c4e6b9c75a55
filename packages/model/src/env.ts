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
     * wasm threads. `"auto"`: 1 in Node and in pages that are not cross-origin isolated (threads need
     * COOP/COEP there), otherwise half the cores, at most 4.
     */
    threads: number | "auto";
  };
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
  trustDevelopmentKey: false,
  logWarnings: true,
};

/** The wasm thread count `env.wasm.threads` resolves to here. */
export function resolveWasmThreads(): number {
  const requested = env.wasm.threads;
  if (requested !== "auto") return Math.max(1, Math.floor(requested));
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return isolated ? Math.max(1, Math.min(4, Math.floor(cores / 2))) : 1;
}
