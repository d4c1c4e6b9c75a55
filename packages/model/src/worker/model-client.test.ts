import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { staticFetch, createWorkerPair, type WorkerPair } from "../../test/worker-pair";
import { TINY_BUNDLE_DIR, TINY_FORMAT2_DIR } from "../../test/bundle-under-test";
import {
  CancelledError,
  DownloadError,
  ImageFormatError,
  ModelOptionError,
  ModeUnavailableError,
} from "../errors";
import type { GenerateProgress } from "../generate";
import { createImage, type RgbaImage } from "../image";
import { createModel, type Model } from "../model";
import { loadBundleFromDirectory } from "../node/directory";
import type { ModelClient } from "./model-client";

const BASE = "http://static.test/tiny/";
let pair: WorkerPair;
let client: ModelClient;
let local: Model;

function solid(rgb: [number, number, number], size = 32): RgbaImage {
  const image = createImage(size, size);
  for (let i = 0; i < image.data.length; i += 4) image.data.set([...rgb, 255], i);
  return image;
}

beforeAll(async () => {
  pair = createWorkerPair({ fetch: staticFetch(TINY_BUNDLE_DIR, BASE) });
  client = pair.client();
  await client.load({ url: BASE });
  local = createModel(await loadBundleFromDirectory(TINY_BUNDLE_DIR));
});
afterAll(() => pair.close());

describe("ModelClient over the worker protocol", () => {
  test("generates the same codes and scores as the in-thread Model for the same seed", async () => {
    const options = { count: 3, seed: 11, guidance: 2 };
    const [remote, inThread] = [
      await client.generate("red apple", options),
      await local.generate("red apple", options),
    ];
    expect(remote.steps).toBe(inThread.steps);
    expect(remote.candidates.map((c) => [c.index, Array.from(c.codes), c.score])).toEqual(
      inThread.candidates.map((c) => [c.index, Array.from(c.codes), c.score]),
    );
    expect(Array.from(remote.candidates[0]!.image.data)).toEqual(
      Array.from(inThread.candidates[0]!.image.data),
    );
  });

  test("reports the modes of the loaded model and passes the mode through to generate and caption", async () => {
    expect(client.model).toMatchObject({
      modes: ["autoregressive", "masked"],
      defaultMode: "autoregressive",
    });
    const options = { mode: "masked" as const, steps: 3, count: 2, seed: 4 };
    const progress: GenerateProgress[] = [];
    const remote = await client.generate("blue circle", { ...options, onProgress: (p) => progress.push(p) });
    const inThread = await local.generate("blue circle", options);
    expect([remote.mode, remote.steps]).toEqual(["masked", 3]);
    expect(remote.candidates.map((c) => [c.index, Array.from(c.codes), c.score])).toEqual(
      inThread.candidates.map((c) => [c.index, Array.from(c.codes), c.score]),
    );
    expect(progress.filter((p) => p.partial).map((p) => p.step)).toEqual([1, 2, 3]);
    const image = solid([30, 30, 220]);
    expect(await client.caption(image, { mode: "masked" })).toBe(
      await local.caption(image, { mode: "masked" }),
    );
  });

  test("passes candidates, temperature and seed through to caption", async () => {
    const image = solid([220, 30, 30]);
    for (const mode of ["autoregressive", "masked"] as const) {
      const greedy = await local.caption(image, { mode });
      const sampled = { mode, temperature: 0.7, seed: 3 };
      const best = { mode, candidates: 8 };
      const [remoteSampled, remoteBest] = [
        await client.caption(image, sampled),
        await client.caption(image, best),
      ];
      expect(remoteSampled).toBe(await local.caption(image, sampled));
      expect(remoteBest).toBe(await local.caption(image, best));
      expect([remoteSampled, remoteBest]).not.toContain(greedy); // so the options did cross
    }
    await expect(client.caption(image, { candidates: 17 })).rejects.toMatchObject({
      name: "ModelOptionError",
      option: "candidates",
    });
  });

  test("a masked request to a bundle without the masked generator fails with ModeUnavailableError", async () => {
    const base = "http://static.test/format2/";
    const other = createWorkerPair({ fetch: staticFetch(TINY_FORMAT2_DIR, base) });
    try {
      const plain = other.client();
      expect(await plain.load({ url: base })).toMatchObject({
        modes: ["autoregressive"],
        defaultMode: "autoregressive",
      });
      const error = await plain.generate("red", { mode: "masked", count: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModeUnavailableError);
      expect(error).toMatchObject({ mode: "masked", available: ["autoregressive"] });
    } finally {
      other.close();
    }
  });

  test("streams progress with partial images while decoding", async () => {
    const progress: GenerateProgress[] = [];
    await client.generate("blue square", {
      count: 2,
      seed: 3,
      previewEvery: 8,
      previewIntervalMs: 0,
      onProgress: (p) => progress.push(p),
    });
    const partials = progress.filter((p) => p.partial).map((p) => p.partial!);
    const distinct = new Set(partials.map((images) => Array.from(images[0]!.data).join(",")));
    expect(partials.length).toBeGreaterThanOrEqual(3);
    expect(distinct.size).toBeGreaterThanOrEqual(3);
    expect(partials[0]).toHaveLength(2);
    expect(progress.map((p) => p.step)).toEqual([...progress.map((p) => p.step)].sort((a, b) => a - b));
  });

  test("cancels a generation within one step of the cancel message", async () => {
    const controller = new AbortController();
    let abortedAt = -1;
    const seen: number[] = [];
    const generation = client.generate("green circle", {
      count: 4,
      seed: 5,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.step);
        if (p.step === 20 && abortedAt < 0) {
          abortedAt = p.step;
          controller.abort();
        }
      },
    });
    const error = await generation.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CancelledError);
    const { step, operation } = error as CancelledError;
    expect(operation).toBe("generate");
    // The cancel message gets in before the next step (env.yieldBetweenRuns); the step under way finishes.
    expect(step).toBeLessThanOrEqual(abortedAt + 1);
    expect(Math.max(...seen)).toBeLessThanOrEqual(abortedAt + 1);
    // and the worker is free for the next request at once
    expect((await client.generate("green circle", { count: 1, seed: 5 })).candidates).toHaveLength(1);
  });

  test("transfers the buffers the worker made and copies the ones the caller owns", async () => {
    const images = [solid([255, 0, 0]), solid([0, 0, 255], 64)];
    const embeddings = await client.embedImage(images);
    expect(images.map((i) => i.data.byteLength)).toEqual([32 * 32 * 4, 64 * 64 * 4]);
    expect(embeddings.map((e) => e.length)).toEqual([32, 32]);
    const sent = pair.posted.filter((p) => p.message.kind === "result").at(-1)!;
    expect(sent.transfer.length).toBeGreaterThan(0);
    expect((sent.message.value as Float32Array[]).map((e) => e.byteLength)).toEqual([0, 0]);

    const codes = await client.encodeImages(images);
    const decoded = await client.decodeCodes(codes);
    expect(codes[0]!.byteLength).toBe(64 * 4); // the caller's codes went in as a copy
    expect(decoded[0]!.data.byteLength).toBe(32 * 32 * 4);
    const decodedSent = pair.posted.filter((p) => p.message.kind === "result").at(-1)!;
    expect((decodedSent.message.value as RgbaImage[])[0]!.data.byteLength).toBe(0);

    const generation = await client.generate("red", { count: 2, seed: 1 });
    const generated = pair.posted.filter((p) => p.message.kind === "result").at(-1)!;
    const workerSide = (generated.message.value as typeof generation).candidates[0]!;
    expect([workerSide.image.data.byteLength, workerSide.codes.byteLength]).toEqual([0, 0]);
    expect(generation.candidates[0]!.image.data.byteLength).toBe(32 * 32 * 4);
  });

  test("embeds, ranks (returning the caller's own items) and captions like the in-thread Model", async () => {
    const [remote] = await client.embedText(["red circle"]);
    const [inThread] = await local.embedText(["red circle"]);
    expect(Array.from(remote!)).toEqual(Array.from(inThread!));
    const images = [solid([255, 0, 0]), solid([0, 0, 255])];
    const ranked = await client.rank("red circle", images);
    expect(ranked.map((r) => r.index).sort()).toEqual([0, 1]);
    expect(ranked[0]!.item).toBe(images[ranked[0]!.index]);
    expect(ranked.map((r) => r.score)).toEqual((await local.rank("red circle", images)).map((r) => r.score));
    expect(await client.caption(solid([0, 200, 0]))).toBe(await local.caption(solid([0, 200, 0])));
  });

  test("searches an index registered by name with a caption or an image", async () => {
    const captions = ["red circle", "blue square", "green triangle"];
    const vectors = await local.embedText(captions);
    expect(
      await client.createIndex(
        "shapes",
        captions.map((key, i) => ({ key, vector: vectors[i]! })),
      ),
    ).toEqual({
      size: 3,
      dim: 32,
    });
    const hits = await client.search<string>("shapes", "blue square", 2);
    expect(hits[0]).toMatchObject({ key: "blue square" });
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    expect(await client.search("shapes", solid([255, 0, 0]), 3)).toHaveLength(3);
    await expect(client.search("nope", "x")).rejects.toThrow(
      /Option index is "nope", expected a registered index \("shapes"\)/,
    );
  });

  test("takes wrapped images (a Svelte $state proxy, say), which postMessage alone cannot clone", async () => {
    const image = solid([200, 30, 30]);
    const wrapped = new Proxy(image, {});
    expect(() => structuredClone(wrapped)).toThrow();
    expect(await client.caption(wrapped)).toBe(await local.caption(image));
    expect(await client.embedImage([wrapped])).toEqual(await local.embedImage([image]));
    const explained = await client.explain(wrapped, "red square", { grid: 2 });
    expect(explained.words.map((w) => w.word)).toEqual(["red", "square"]);
  });

  test("errors keep their class and fields across the boundary", async () => {
    const count = await client.generate("x", { count: 0 }).catch((e: unknown) => e);
    expect(count).toBeInstanceOf(ModelOptionError);
    expect(count).toMatchObject({ name: "ModelOptionError", option: "count", found: 0, expected: "1..64" });
    const bad = await client
      .embedImage([{ width: 2, height: 2, data: new Uint8ClampedArray(3) }])
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ImageFormatError);
    const other = pair.client();
    const missing = await other.load({ url: "http://static.test/missing/" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DownloadError);
    expect(missing).toMatchObject({ status: 404, url: "http://static.test/missing/card.json" });
    expect((missing as Error).stack).toMatch(/DownloadError/);
  });

  test("reports the backend with its thread count and reason", async () => {
    const info = await client.backend();
    expect(info).toMatchObject({ name: "wasm", threads: 1, selfCheck: undefined });
    expect(info.threadsReason).toMatch(/^1 wasm thread: Node/);
  });
});
