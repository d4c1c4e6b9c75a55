import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { TINY_BUNDLE_DIR } from "../../test/bundle-under-test";
import { floatTensor, getBackend, resetBackend, type Tensor } from "../backend";
import type { ModelBundle } from "../bundle/bundle";
import { loadBundleFromDirectory } from "../node/directory";
import { checkBackend, compareOutputs, SELF_CHECK_TOLERANCE, type SelfCheckSessions } from "./self-check";

let bundle: ModelBundle;
const model = (): { bundle: ModelBundle; captionIds: () => Int32Array } => ({
  bundle,
  captionIds: () => new Int32Array(bundle.card.text.captionLen),
});

beforeAll(async () => {
  bundle = await loadBundleFromDirectory(TINY_BUNDLE_DIR);
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  resetBackend();
});

/** A WebGPU adapter without shader-f16, as SwiftShader gives. */
function fakeWebGpu(): void {
  vi.stubGlobal("navigator", { gpu: { requestAdapter: async () => ({ features: new Set<string>() }) } });
  resetBackend();
}

const unit = (values: number[]): Float32Array => {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (v) => v / norm);
};

/** Fake sessions whose clip-text outputs are `gpu` and `cpu`; counts releases. */
function sessions(
  gpu: Float32Array,
  cpu: Float32Array,
  released: string[] = [],
): () => Promise<SelfCheckSessions> {
  const session = (embedding: Float32Array) => ({
    run: async (): Promise<Record<string, Tensor>> => ({
      embedding: floatTensor(embedding, [1, embedding.length]),
    }),
  });
  return async () => ({
    webgpu: { ...session(gpu), backend: "webgpu" },
    wasm: session(cpu),
    release: async () => void released.push("both"),
  });
}

describe("WebGPU self-check", () => {
  test("keeps WebGPU when it agrees with wasm, and records the numbers", async () => {
    fakeWebGpu();
    const released: string[] = [];
    const a = unit(Array.from({ length: 32 }, (_, i) => Math.sin(i)));
    const b = a.map((x, i) => x + (i === 3 ? 1e-4 : 0));
    const info = await checkBackend(model(), { sessions: sessions(a, b, released) });
    expect(info.name).toBe("webgpu");
    expect(info.selfCheck).toMatchObject({
      passed: true,
      graph: "clip-text",
      tolerance: SELF_CHECK_TOLERANCE,
    });
    expect(info.selfCheck!.maxDiff).toBeCloseTo(1e-4, 6);
    expect(info.selfCheck!.cosine).toBeGreaterThan(0.9999);
    expect(released).toEqual(["both"]);
    // checked once: the next use does not run it again
    const again = await checkBackend(model(), { sessions: () => Promise.reject(new Error("ran twice")) });
    expect(again).toBe(info);
  });

  test("falls back to wasm, with the numbers in the reason, when WebGPU disagrees", async () => {
    fakeWebGpu();
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const a = unit(Array.from({ length: 32 }, (_, i) => Math.sin(i)));
    const b = unit(Array.from({ length: 32 }, (_, i) => Math.cos(i)));
    const info = await checkBackend(model(), { sessions: sessions(a, b) });
    expect(info).toMatchObject({ name: "wasm", epoch: 1, selfCheck: { passed: false } });
    expect(info.reason).toMatch(
      /^WebGPU self-check failed: clip-text embeddings differ from wasm by 0\.\d+ \(tolerance 0\.02; cosine -?0\.\d+, needs ≥ 0\.999\)$/,
    );
    expect(await getBackend()).toBe(info);
  });

  test("does nothing on wasm", async () => {
    const info = await checkBackend(model(), { sessions: () => Promise.reject(new Error("should not run")) });
    expect(info).toMatchObject({ name: "wasm", selfCheck: undefined });
  });

  test("compares lengths, NaNs and zeros as failures", () => {
    expect(compareOutputs(unit([1, 0]), unit([1, 0]))).toMatchObject({ passed: true, maxDiff: 0, cosine: 1 });
    expect(compareOutputs(new Float32Array(2), new Float32Array(2)).passed).toBe(false); // zeros: cosine 0
    expect(compareOutputs(Float32Array.of(NaN, 0), unit([1, 0])).passed).toBe(false);
    expect(compareOutputs(unit([1, 0]), unit([1, 0, 0])).maxDiff).toBe(Infinity);
  });
});
