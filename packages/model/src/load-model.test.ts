import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { API, bundleFiles, FakeApi } from "../test/fake-api";
import { TINY_BUNDLE_DIR } from "../test/bundle-under-test";
import { createMemoryCache } from "./bundle/cache";
import type { StoreLoadResult } from "./bundle/model-store";
import { IntegrityError, type ModelError } from "./errors";
import { loadModel, type LoadModelOptions } from "./load-model";

/** Serves the tiny bundle's files as static files, optionally changing one. */
function staticFetch(change?: { name: string; bytes: (b: Uint8Array) => Uint8Array }): typeof fetch {
  return async (input) => {
    const name = new URL(String(input)).pathname.split("/").pop() as string;
    try {
      let bytes: Uint8Array = new Uint8Array(await readFile(join(TINY_BUNDLE_DIR, name)));
      if (change?.name === name) bytes = change.bytes(bytes);
      return new Response(bytes as Uint8Array<ArrayBuffer>);
    } catch {
      return new Response("not found", { status: 404 });
    }
  };
}

describe("loadModel", () => {
  test("loads a bundle served as static files and generates with it", async () => {
    const model = await loadModel({ url: "http://static.test/models/default", fetch: staticFetch() });
    expect(model.bundle.source).toBe("http://static.test/models/default/");
    const { candidates } = await model.generate("red", { count: 1, seed: 1, rerank: false });
    expect(candidates).toHaveLength(1);
    await model.dispose();
  });

  test("downloads the int8-weight step graph only when asked to prefer it", async () => {
    const fetched = async (precisions?: LoadModelOptions["precisions"]) => {
      const names: string[] = [];
      const inner = staticFetch();
      const fetch: typeof globalThis.fetch = (input, init) => {
        names.push(new URL(String(input)).pathname.split("/").pop() as string);
        return inner(input, init);
      };
      const model = await loadModel(
        { url: "http://static.test/b/", fetch },
        precisions ? { precisions } : {},
      );
      const { candidates } = await model.generate("red", { count: 1, seed: 1, rerank: false });
      expect(candidates[0]?.image.data.length).toBe(32 * 32 * 4);
      await model.dispose();
      return names;
    };
    const small = await fetched(["int8-weights", "fp16-weights", "fp32"]);
    expect(small).toContain("gpt_step.int8.onnx");
    expect(small).not.toContain("gpt_step.fp16.onnx");
    expect(small).toContain("vq_decoder.fp16.onnx"); // no int8 variant: the next precision
    const usual = await fetched();
    expect(usual).toContain("gpt_step.fp16.onnx");
    expect(usual).not.toContain("gpt_step.int8.onnx");
  });

  test("refuses static files that differ from card.json", async () => {
    const flip = (b: Uint8Array): Uint8Array => b.map((x, i) => (i === 50 ? x ^ 1 : x));
    const load = loadModel({
      url: "http://static.test/b/",
      fetch: staticFetch({ name: "vq_decoder.fp16.onnx", bytes: flip }),
    });
    await expect(load).rejects.toBeInstanceOf(IntegrityError);
  });

  test("loads an API channel, reporting progress, status and warnings", async () => {
    const api = await FakeApi.create();
    await api.publish("v1", await bundleFiles(TINY_BUNDLE_DIR));
    const cache = createMemoryCache();
    const options = { api: API, cache, fetch: api.fetch, trustedKeys: [api.trustedKey], backoffMs: 0 };
    const statuses: string[] = [];
    const warnings: ModelError[] = [];
    let last = 0;
    await loadModel(options, {
      onProgress: (p) => (last = p.totalLoaded / p.totalBytes),
      onStatus: (s) => statuses.push(s.status),
    });
    expect(last).toBe(1);
    await api.publish("v2", await bundleFiles(TINY_BUNDLE_DIR), (t) => t.replace('"v2"', '"v3"'));
    const model = await loadModel(options, {
      onStatus: (s) => statuses.push(s.status),
      onWarning: (w) => warnings.push(w),
    });
    expect(statuses).toEqual(["installed", "kept-previous"]);
    expect(warnings.map((w) => w.name)).toEqual(["SignatureError"]);
    expect(model.bundle.manifest?.version).toBe("v1");
  });

  test("passes the update mode through: manual opens the cached version with no request", async () => {
    const api = await FakeApi.create();
    await api.publish("v1", await bundleFiles(TINY_BUNDLE_DIR));
    let calls = 0;
    const fetch: typeof globalThis.fetch = (input, init) => (calls++, api.fetch(input, init));
    const options = {
      api: API,
      cache: createMemoryCache(),
      fetch,
      trustedKeys: [api.trustedKey],
      backoffMs: 0,
    };
    const statuses: Omit<StoreLoadResult, "bundle">[] = [];
    await loadModel(options, { update: "manual", onStatus: (s) => statuses.push(s) });
    await api.publish("v2", [...(await bundleFiles(TINY_BUNDLE_DIR))].reverse());
    calls = 0;
    const model = await loadModel(options, { update: "manual", onStatus: (s) => statuses.push(s) });
    expect(calls).toBe(0);
    expect(model.bundle.manifest?.version).toBe("v1");
    expect(statuses.map((s) => [s.status, s.version, s.channel])).toEqual([
      ["installed", "v1", "stable"],
      ["cached", "v1", "stable"],
    ]);
    await loadModel(options, { onStatus: (s) => statuses.push(s) });
    expect(statuses.at(-1)).toMatchObject({ status: "installed", version: "v2" });
  });

  test("runs a model's operations one at a time, so parallel calls give the results of serial ones", async () => {
    const model = await loadModel({ url: "http://static.test/x/", fetch: staticFetch() });
    const options = { count: 2, seed: 5 };
    const [a, b] = await Promise.all([
      model.generate("red apple", options),
      model.generate("red apple", options),
    ]);
    const c = await model.generate("red apple", options);
    const codes = (g: typeof a): number[][] => g.candidates.map((x) => Array.from(x.codes));
    expect(codes(a)).toEqual(codes(c));
    expect(codes(b)).toEqual(codes(c));
  });
});
