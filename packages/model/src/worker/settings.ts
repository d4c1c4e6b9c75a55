// The worker's process-wide settings (its `env`), as a client sends them: before the first session they may
// change anything (and the backend is detected again); after it, ORT's thread count and backend are fixed for
// the life of the worker, so a different request is refused with what to do instead (a new client, i.e. a
// new worker). The benchmark relies on this to compare 1 and 2 wasm threads.
import { fixedWasmThreads, getBackend, resetBackend, type BackendInfo } from "../backend";
import { describeWasmThreads, env } from "../env";
import { ModelOptionError } from "../errors";
import type { WorkerSettings } from "./protocol";

/** Applies `settings` to `env`; returns the backend they give. @throws ModelOptionError once they are fixed. */
export function applyWorkerSettings(settings: WorkerSettings): Promise<BackendInfo> {
  const fixed = fixedWasmThreads();
  const threadsChange = settings.threads !== undefined && settings.threads !== env.wasm.threads;
  const backendChange = settings.backend !== undefined && settings.backend !== env.backend;
  const pathsChange = settings.wasmPaths !== undefined && settings.wasmPaths !== env.wasm.paths;
  if (fixed) {
    const refused =
      (threadsChange && threadsFor(settings.threads as number | "auto") !== fixed.threads) || backendChange;
    if (refused) {
      const now = `${fixed.threads} wasm thread(s), backend "${env.backend}"`;
      const expected = `what the worker's first session started with (${now}); create a new client (a new worker) to change them`;
      throw new ModelOptionError("worker settings", JSON.stringify(settings), expected);
    }
  } else {
    if (settings.threads !== undefined) env.wasm.threads = settings.threads;
    if (settings.backend !== undefined) env.backend = settings.backend;
    if (settings.wasmPaths !== undefined) env.wasm.paths = settings.wasmPaths;
    if (threadsChange || backendChange || pathsChange) resetBackend();
  }
  if (settings.trustDevelopmentKey !== undefined) env.trustDevelopmentKey = settings.trustDevelopmentKey;
  return getBackend();
}

/** The count `threads` would resolve to here. */
function threadsFor(threads: number | "auto"): number {
  const before = env.wasm.threads;
  env.wasm.threads = threads;
  try {
    return describeWasmThreads().threads;
  } finally {
    env.wasm.threads = before;
  }
}
