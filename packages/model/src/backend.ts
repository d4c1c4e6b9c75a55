// The one file that imports onnxruntime-web. It picks the backend (WebGPU when an adapter exists, else wasm),
// creates sessions one at a time, and falls back to wasm with a visible reason when WebGPU fails to create a
// session, fails while running, or loses its device. Everything else in the package sees only the small
// `ModelSession` / `Tensor` surface below, so the same code runs in Chromium and in Node (wasm).
// It also records the WebGPU self-check (worker/self-check.ts) and how many wasm threads ORT was given.
import * as ort from "onnxruntime-web";
import { describeWasmThreads, env, type WasmThreads } from "./env";
import { BackendError } from "./errors";

/** An ONNX Runtime tensor (CPU data, or a GPU buffer when a session keeps outputs on the GPU). */
export type Tensor = ort.Tensor;

/** The backend sessions run on. */
export type BackendName = "webgpu" | "wasm";

/** The active backend and why it was chosen, e.g. for a "WebGPU / wasm" badge. */
export interface BackendInfo {
  readonly name: BackendName;
  /** Human-readable reason for the choice or the fallback. */
  readonly reason: string;
  /** WebGPU adapter supports `shader-f16`: fully-fp16 graphs may be used. Always false on wasm. */
  readonly shaderF16: boolean;
  /** Increases on every fallback; sessions made under an older epoch must be recreated. */
  readonly epoch: number;
  /** wasm threads ONNX Runtime runs with (all the work on wasm; CPU-side ops under WebGPU). */
  readonly threads: number;
  /** Why that many, e.g. "2 wasm threads (cross-origin isolated, 4 cores: half of them)". */
  readonly threadsReason: string;
  /** The WebGPU self-check, once it ran (the model worker runs it before the first use of WebGPU). */
  readonly selfCheck: BackendSelfCheck | undefined;
}

/**
 * WebGPU and wasm ran one fixed input through the same graph; WebGPU is kept only when they agree within the
 * tolerance (see worker/self-check.ts for the input and why the tolerance is what it is).
 */
export interface BackendSelfCheck {
  readonly passed: boolean;
  /** The bundle graph that was compared, e.g. `"clip-text"`. */
  readonly graph: string;
  /** Largest |webgpu − wasm| over the output values, and the cosine of the two outputs. */
  readonly maxDiff: number;
  readonly cosine: number;
  /** Passing needs `maxDiff ≤ tolerance.maxDiff` and `cosine ≥ tolerance.cosine`. */
  readonly tolerance: { readonly maxDiff: number; readonly cosine: number };
}

/** Options of {@link createSession}. */
export interface SessionOptions {
  /** Label used in error messages (the bundle role, e.g. `"gpt-step"`). */
  label: string;
  /** Outputs to keep on the GPU (WebGPU IO binding); ignored on wasm. */
  gpuOutputs?: readonly string[];
  /** `"wasm"`: create it on wasm whatever the active backend (the self-check's reference run). */
  backend?: "wasm";
}

/** A loaded graph on the active backend. */
export interface ModelSession {
  readonly label: string;
  readonly backend: BackendName;
  /** The backend epoch it was created in (see {@link BackendInfo.epoch}). */
  readonly epoch: number;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

interface GpuAdapterLike {
  readonly features: { has(feature: string): boolean };
}
interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}
interface GpuDeviceLike {
  readonly lost?: Promise<{ message?: string; reason?: string }>;
}

type Listener = (info: BackendInfo) => void;

let active: Promise<BackendInfo> | undefined;
let current: BackendInfo | undefined;
let creation: Promise<unknown> = Promise.resolve();
/** Thread count handed to ORT; fixed once the first session started ORT's wasm. */
let wasmThreads: WasmThreads | undefined;
let ortStarted = false;
const listeners = new Set<Listener>();

/** The backend that sessions are created on now (detected on first call). */
export function getBackend(): Promise<BackendInfo> {
  active ??= detectBackend().then((info) => {
    current = info;
    return info;
  });
  return active;
}

/** Calls `listener` whenever the backend changes (a fallback); returns the unsubscribe function. */
export function onBackendChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Switches to wasm for every later session, with `reason` shown to the user. Idempotent: a second failure
 * while already on wasm changes nothing.
 */
export function fallBackToWasm(reason: string): BackendInfo {
  return switchToWasm(reason, current?.selfCheck);
}

/**
 * Records the WebGPU self-check: passed, WebGPU stays (same epoch, sessions kept) and the info now carries the
 * numbers; failed, the backend falls back to wasm with `failure` as the reason. Listeners hear either.
 */
export function recordSelfCheck(check: BackendSelfCheck, failure: string): BackendInfo {
  if (!check.passed) return switchToWasm(failure, check);
  if (current?.name !== "webgpu") return current ?? switchToWasm(failure, check);
  return publish({ ...current, selfCheck: check });
}

/** The wasm threads ORT runs with, once its first session fixed them (undefined before: still changeable). */
export function fixedWasmThreads(): WasmThreads | undefined {
  return ortStarted ? wasmThreads : undefined;
}

function switchToWasm(reason: string, selfCheck: BackendSelfCheck | undefined): BackendInfo {
  if (current?.name === "wasm") return current;
  const epoch = (current?.epoch ?? 0) + 1;
  if (env.logWarnings) console.warn(`[@commonspace/model] falling back to wasm: ${reason}`);
  return publish({ ...wasmInfo(reason), epoch, selfCheck });
}

function publish(info: BackendInfo): BackendInfo {
  current = info;
  active = Promise.resolve(info);
  for (const listener of listeners) listener(info);
  return info;
}

/** Forgets the detected backend so the next call detects again (tests, or after changing `env.backend`). */
export function resetBackend(): void {
  active = undefined;
  current = undefined;
}

async function detectBackend(): Promise<BackendInfo> {
  configureOrt();
  if (env.backend === "wasm") return wasmInfo('env.backend is "wasm"');
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return wasmInfo("WebGPU is not available here (navigator.gpu is missing)");
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    return wasmInfo(`navigator.gpu.requestAdapter() failed: ${messageOf(error)}`);
  }
  if (!adapter) return wasmInfo("navigator.gpu.requestAdapter() returned no adapter");
  const shaderF16 = adapter.features.has("shader-f16");
  const f16 = shaderF16 ? "with shader-f16" : "without shader-f16";
  const reason = `a WebGPU adapter is available (${f16})`;
  return { ...wasmInfo(reason), name: "webgpu", shaderF16 };
}

function wasmInfo(reason: string): BackendInfo {
  const { threads, reason: threadsReason } = configureOrt();
  return { name: "wasm", reason, shaderF16: false, epoch: 0, threads, threadsReason, selfCheck: undefined };
}

/** Hands `env` to ORT; again on every detection until the first session starts ORT's wasm. */
function configureOrt(): WasmThreads {
  if (ortStarted && wasmThreads) return wasmThreads;
  wasmThreads = describeWasmThreads();
  ort.env.wasm.numThreads = wasmThreads.threads;
  // A proxy worker detaches input buffers, and reusing such a tensor later hangs (ENVIRONMENT.md).
  ort.env.wasm.proxy = false;
  if (env.wasm.paths !== undefined) ort.env.wasm.wasmPaths = env.wasm.paths;
  ort.env.logLevel = "error";
  return wasmThreads;
}

/**
 * Creates a session for an ONNX graph on the active backend. Creation is queued (one at a time: parallel
 * creation multiplies peak memory and races WebGPU device setup). On WebGPU failure the backend falls back to
 * wasm and the session is created there.
 * @throws BackendError when wasm cannot create the session either.
 */
export function createSession(bytes: Uint8Array, options: SessionOptions): Promise<ModelSession> {
  const task = creation.then(() => createNow(bytes, options));
  creation = task.catch(() => undefined);
  return task;
}

async function createNow(bytes: Uint8Array, options: SessionOptions): Promise<ModelSession> {
  const info = await getBackend();
  configureOrt();
  ortStarted = true;
  if (info.name === "webgpu" && options.backend !== "wasm") {
    try {
      const session = await ort.InferenceSession.create(bytes, {
        executionProviders: ["webgpu"],
        graphOptimizationLevel: "all",
        logSeverityLevel: 3,
        preferredOutputLocation: Object.fromEntries((options.gpuOutputs ?? []).map((n) => [n, "gpu-buffer"])),
      });
      watchDevice();
      return wrap(session, options.label, info);
    } catch (error) {
      fallBackToWasm(`WebGPU could not create the ${options.label} session: ${messageOf(error)}`);
    }
  }
  const wasm = options.backend === "wasm" ? { ...info, name: "wasm" as const } : await getBackend();
  try {
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ["wasm"],
      graphOptimizationLevel: "all",
      logSeverityLevel: 3,
    });
    return wrap(session, options.label, wasm);
  } catch (error) {
    throw new BackendError(
      `wasm could not create the ${options.label} session (${bytes.byteLength} bytes): ${messageOf(error)}. ` +
        "Check that the file is an ONNX graph of the bundle format and that the .wasm files are served.",
      { cause: error },
    );
  }
}

let watchingDevice = false;

/** Falls back to wasm when the WebGPU device ORT uses is lost (driver reset, GPU process crash, tab in background). */
function watchDevice(): void {
  if (watchingDevice) return;
  watchingDevice = true;
  try {
    // `ort.env.webgpu.device` is a promise before the first session in some builds and the device after it.
    void Promise.resolve(ort.env.webgpu.device as unknown).then((device) => {
      void (device as GpuDeviceLike | undefined)?.lost?.then((why) => {
        watchingDevice = false;
        fallBackToWasm(`the WebGPU device was lost (${why.reason ?? "unknown"}: ${why.message ?? ""})`);
      });
    });
  } catch (error) {
    // Not being able to watch the device is no reason to give up WebGPU; a later failure still falls back.
    if (env.logWarnings)
      console.warn(`[@commonspace/model] cannot watch the WebGPU device: ${messageOf(error)}`);
  }
}

function wrap(session: ort.InferenceSession, label: string, info: BackendInfo): ModelSession {
  return {
    label,
    backend: info.name,
    epoch: info.epoch,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds) {
      if (env.yieldBetweenRuns) await yieldToEventLoop();
      try {
        return (await session.run(feeds)) as Record<string, Tensor>;
      } catch (error) {
        if (info.name === "webgpu")
          fallBackToWasm(`WebGPU failed while running ${label}: ${messageOf(error)}`);
        throw new BackendError(`${label} failed on ${info.name}: ${messageOf(error)}`, { cause: error });
      }
    },
    release: () => session.release(),
  };
}

/** A float32 CPU tensor. */
export function floatTensor(data: Float32Array, dims: readonly number[]): Tensor {
  return new ort.Tensor("float32", data, dims);
}

/** An int64 CPU tensor from integers. */
export function int64Tensor(values: ArrayLike<number>, dims: readonly number[]): Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i] as number);
  return new ort.Tensor("int64", data, dims);
}

/**
 * A tensor's values as float32 on the CPU (downloads GPU tensors). float16 outputs arrive as `Float16Array` in
 * Chromium and as raw `Uint16Array` bits in Node 20; both are widened here.
 */
export async function readFloats(tensor: Tensor): Promise<Float32Array> {
  const data = tensor.location === "cpu" ? tensor.data : await tensor.getData();
  if (data instanceof Float32Array) return data;
  if (tensor.type === "float16" && data instanceof Uint16Array) return halfBitsToFloat(data);
  if (tensor.type === "float16" && ArrayBuffer.isView(data))
    return Float32Array.from(data as ArrayLike<number>);
  throw new BackendError(
    `Expected a float32 or float16 tensor, got ${tensor.type} [${tensor.dims.join(", ")}].`,
  );
}

/** A tensor's values as integers (int64 or int32 outputs, e.g. VQ codes). */
export async function readInts(tensor: Tensor): Promise<Int32Array> {
  const data = tensor.location === "cpu" ? tensor.data : await tensor.getData();
  if (data instanceof BigInt64Array) return Int32Array.from(data, (v) => Number(v));
  if (data instanceof Int32Array) return data;
  throw new BackendError(
    `Expected an int64 or int32 tensor, got ${tensor.type} [${tensor.dims.join(", ")}].`,
  );
}

/** Frees a tensor's GPU buffer (no-op for CPU tensors). */
export function disposeTensor(tensor: Tensor | undefined): void {
  if (tensor && tensor.location !== "cpu") tensor.dispose();
}

function halfBitsToFloat(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i] as number;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * 2 ** -14 * (fraction / 1024);
    else if (exponent === 31) out[i] = fraction ? NaN : sign * Infinity;
    else out[i] = sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}

let yieldChannel: MessageChannel | undefined;
const yielded: (() => void)[] = [];

/** Resolves after one macrotask, so queued messages run (setImmediate in Node; a MessageChannel elsewhere). */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === "function") return new Promise((resolve) => setImmediate(resolve));
  if (!yieldChannel) {
    yieldChannel = new MessageChannel();
    yieldChannel.port1.onmessage = () => yielded.shift()?.();
  }
  const channel = yieldChannel;
  return new Promise((resolve) => {
    yielded.push(resolve);
    channel.port2.postMessage(0);
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
