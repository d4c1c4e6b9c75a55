import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, test, vi } from "vitest";
import { TINY_BUNDLE_DIR } from "../test/bundle-under-test";
import {
  createSession,
  getBackend,
  int64Tensor,
  onBackendChange,
  readFloats,
  resetBackend,
  type BackendInfo,
  type Tensor,
} from "./backend";
import { env } from "./env";
import { BackendError } from "./errors";

afterEach(() => {
  vi.unstubAllGlobals();
  env.backend = "auto";
  resetBackend();
});

function fakeGpu(adapter: { features: Set<string> } | null): void {
  vi.stubGlobal("navigator", { gpu: { requestAdapter: async () => adapter } });
  resetBackend();
}

describe("backend choice", () => {
  test("uses wasm in Node, saying WebGPU is missing", async () => {
    const info = await getBackend();
    expect(info.name).toBe("wasm");
    expect(info.reason).toMatch(/navigator\.gpu is missing/);
  });

  test("uses wasm when env.backend says so, even with an adapter", async () => {
    fakeGpu({ features: new Set(["shader-f16"]) });
    env.backend = "wasm";
    expect((await getBackend()).reason).toBe('env.backend is "wasm"');
  });

  test("uses wasm when requestAdapter finds no adapter", async () => {
    fakeGpu(null);
    expect((await getBackend()).reason).toMatch(/returned no adapter/);
  });

  test("chooses WebGPU when an adapter exists and notes shader-f16", async () => {
    fakeGpu({ features: new Set(["shader-f16"]) });
    expect(await getBackend()).toMatchObject({ name: "webgpu", shaderF16: true, epoch: 0 });
    fakeGpu({ features: new Set() });
    expect(await getBackend()).toMatchObject({ name: "webgpu", shaderF16: false });
  });

  test("falls back to wasm with a visible reason when WebGPU cannot create a session", async () => {
    // Node's onnxruntime-web has no WebGPU backend, so session creation on "webgpu" fails for real here.
    fakeGpu({ features: new Set() });
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const changes: BackendInfo[] = [];
    const off = onBackendChange((info) => changes.push(info));
    const bytes = await readFile(join(TINY_BUNDLE_DIR, "vq_decoder.fp16.onnx"));
    const session = await createSession(new Uint8Array(bytes), { label: "vq-decoder" });
    off();
    expect(session.backend).toBe("wasm");
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ name: "wasm", epoch: 1 });
    expect(changes[0]?.reason).toMatch(/^WebGPU could not create the vq-decoder session: /);
    expect((await getBackend()).name).toBe("wasm");
    const out = await session.run({ codes: int64Tensor(new Array(64).fill(0), [1, 8, 8]) });
    expect(out["image"]?.dims).toEqual([1, 3, 32, 32]);
  });

  test("creates a session on wasm when asked, without leaving WebGPU (the self-check's reference)", async () => {
    fakeGpu({ features: new Set() });
    const changes: BackendInfo[] = [];
    const off = onBackendChange((info) => changes.push(info));
    const bytes = await readFile(join(TINY_BUNDLE_DIR, "vq_decoder.fp16.onnx"));
    const session = await createSession(new Uint8Array(bytes), { label: "vq-decoder", backend: "wasm" });
    off();
    expect(session.backend).toBe("wasm");
    expect(changes).toEqual([]);
    expect(await getBackend()).toMatchObject({ name: "webgpu", threads: 1, selfCheck: undefined });
  });

  test("queues creation so a failed session does not block the ones after it", async () => {
    const bytes = new Uint8Array(await readFile(join(TINY_BUNDLE_DIR, "vq_decoder.fp16.onnx")));
    const [bad, good] = await Promise.allSettled([
      createSession(new Uint8Array([1, 2, 3]), { label: "garbage" }),
      createSession(bytes, { label: "vq-decoder" }),
    ]);
    expect(bad.status === "rejected" && bad.reason).toBeInstanceOf(BackendError);
    expect(bad.status === "rejected" && (bad.reason as Error).message).toMatch(
      /wasm could not create the garbage session \(3 bytes\)/,
    );
    expect(good.status === "fulfilled" && good.value.label).toBe("vq-decoder");
  });
});

describe("tensor reading", () => {
  test("widens float16 bits (Node's Uint16Array) to float32", async () => {
    const half = {
      location: "cpu",
      type: "float16",
      dims: [5],
      data: Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x0001, 0x7c00]),
    };
    const floats = await readFloats(half as unknown as Tensor);
    expect(Array.from(floats.subarray(0, 3))).toEqual([1, -2, expect.closeTo(0.33325, 4)]);
    expect(floats[3]).toBeCloseTo(2 ** -24, 30);
    expect(floats[4]).toBe(Infinity);
  });
});
