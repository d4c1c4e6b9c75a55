// The WebGPU self-check (issue #10 item 3): before WebGPU's first real use, one fixed caption goes through the
// bundle's clip-text graph on WebGPU and on wasm, and WebGPU is kept only if the two unit embeddings agree.
// A driver or adapter that computes wrong numbers (fully-fp16 graphs without shader-f16 can return zeros,
// ENVIRONMENT.md) then falls back to wasm with the numbers in the reason, instead of drawing noise.
//
// Tolerance: max |Δ| ≤ 2e-2 over the embedding's values and cosine ≥ 0.999. The bundles compute in fp32 (fp16
// weights are cast up), where backends differ by rounding only: SwiftShader (no shader-f16) gives max |Δ| 9e-8
// and cosine 1 − 1e-13 on the tiny test bundle and on models/default. 2e-2 leaves room for real GPUs (other
// reduction orders, fully-fp16 graphs with shader-f16, ~1e-3) and still rejects broken kernels, whose
// embeddings differ by tenths (or are zeros: cosine 0).
import {
  createSession,
  getBackend,
  recordSelfCheck,
  type BackendInfo,
  type BackendSelfCheck,
  type ModelSession,
} from "../backend";
import type { ModelBundle } from "../bundle/bundle";
import { embedIds, type RunnableSession } from "../graphs";

/** The graph the self-check compares. */
export const SELF_CHECK_GRAPH = "clip-text";
/** Its fixed input. */
export const SELF_CHECK_CAPTION = "a red circle";
/** How close WebGPU must come to wasm (see the file header). */
export const SELF_CHECK_TOLERANCE = { maxDiff: 2e-2, cosine: 0.999 } as const;

/** What the check needs of a model. */
export interface SelfCheckModel {
  readonly bundle: ModelBundle;
  captionIds(caption: string): Int32Array;
}

/** The two sessions to compare; `release` frees both. */
export interface SelfCheckSessions {
  readonly webgpu: RunnableSession & { readonly backend: string };
  readonly wasm: RunnableSession;
  release(): Promise<void>;
}

/** Options of {@link checkBackend}; tests inject sessions. */
export interface SelfCheckOptions {
  sessions?: (bytes: Uint8Array) => Promise<SelfCheckSessions>;
}

/** The check under way or done, by the BackendInfo it checks (a new detection or fallback checks again). */
let checked: { info: BackendInfo; result: Promise<BackendInfo> } | undefined;

/**
 * Runs the self-check once per detected backend when the backend is WebGPU and has not been checked, and records
 * the result in BackendInfo (a failure falls back to wasm). Returns the backend after it.
 */
export async function checkBackend(
  model: SelfCheckModel,
  options: SelfCheckOptions = {},
): Promise<BackendInfo> {
  const info = await getBackend();
  if (info.name !== "webgpu" || info.selfCheck) return info;
  if (checked?.info !== info) checked = { info, result: runCheck(model, options) };
  return checked.result;
}

/** Compares WebGPU's output with wasm's against the tolerance. */
export function compareOutputs(
  webgpu: Float32Array,
  wasm: Float32Array,
  tolerance: BackendSelfCheck["tolerance"] = SELF_CHECK_TOLERANCE,
): BackendSelfCheck {
  let maxDiff = webgpu.length === wasm.length ? 0 : Infinity;
  let dot = 0;
  let a2 = 0;
  let b2 = 0;
  for (let i = 0; i < Math.min(webgpu.length, wasm.length); i++) {
    const a = webgpu[i] as number;
    const b = wasm[i] as number;
    maxDiff = Math.max(maxDiff, Number.isFinite(a - b) ? Math.abs(a - b) : Infinity);
    dot += a * b;
    a2 += a * a;
    b2 += b * b;
  }
  const cosine = a2 > 0 && b2 > 0 ? dot / Math.sqrt(a2 * b2) : 0;
  const passed = maxDiff <= tolerance.maxDiff && cosine >= tolerance.cosine;
  return { passed, graph: SELF_CHECK_GRAPH, maxDiff, cosine, tolerance };
}

/** The reason shown when WebGPU fails the check. */
export function selfCheckFailure(check: BackendSelfCheck): string {
  const { maxDiff, cosine, tolerance } = check;
  return (
    `WebGPU self-check failed: ${check.graph} embeddings differ from wasm by ${round(maxDiff)} ` +
    `(tolerance ${tolerance.maxDiff}; cosine ${round(cosine)}, needs ≥ ${tolerance.cosine})`
  );
}

async function runCheck(model: SelfCheckModel, options: SelfCheckOptions): Promise<BackendInfo> {
  const file = model.bundle.files.get(SELF_CHECK_GRAPH);
  if (!file) return getBackend();
  let sessions: SelfCheckSessions;
  try {
    sessions = await (options.sessions ?? defaultSessions)(file.bytes);
  } catch {
    return getBackend(); // the operation that follows meets the same failure and reports it
  }
  try {
    // Creating the WebGPU session may itself have fallen back to wasm: nothing left to check then.
    if (sessions.webgpu.backend !== "webgpu") return getBackend();
    const ids = model.captionIds(SELF_CHECK_CAPTION);
    const card = model.bundle.card;
    const [gpu] = await embedIds(sessions.webgpu, card, [ids]);
    const [cpu] = await embedIds(sessions.wasm, card, [ids]);
    const check = compareOutputs(gpu as Float32Array, cpu as Float32Array);
    return recordSelfCheck(check, selfCheckFailure(check));
  } catch {
    // A WebGPU run that throws has already fallen back (backend.ts); a wasm run that throws proves nothing
    // about WebGPU, so the backend stays as it is and a later failure still falls back.
    return getBackend();
  } finally {
    await sessions.release().catch(() => undefined);
  }
}

async function defaultSessions(bytes: Uint8Array): Promise<SelfCheckSessions> {
  const webgpu: ModelSession = await createSession(bytes, { label: `${SELF_CHECK_GRAPH} self-check` });
  const wasm = await createSession(bytes, { label: `${SELF_CHECK_GRAPH} self-check`, backend: "wasm" });
  return { webgpu, wasm, release: async () => void (await Promise.all([webgpu.release(), wasm.release()])) };
}

function round(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(3))) : String(x);
}
