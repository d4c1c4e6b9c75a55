import { beforeAll, describe, expect, test } from "vitest";
import { BUNDLE_DIR } from "../test/bundle-under-test";
import type { ModelSession, Tensor } from "./backend";
import { CancelledError, ModelOptionError } from "./errors";
import { runGeneration, type GenerationEngine } from "./generate";
import { KvStream } from "./kv-stream";
import { createModel, type Model } from "./model";
import { loadBundleFromDirectory } from "./node/directory";

let model: Model;
let L: number;
let G2: number;

beforeAll(async () => {
  model = createModel(await loadBundleFromDirectory(BUNDLE_DIR));
  L = model.card.text.captionLen;
  G2 = model.card.vq.grid ** 2;
});

/** The model's generation engine with its step session wrapped to record the batch size of every call. */
async function countingEngine(): Promise<{ engine: GenerationEngine; batches: number[] }> {
  const engine = await (model as unknown as { engine(): Promise<GenerationEngine> }).engine();
  const batches: number[] = [];
  const step = {
    run: (feeds: Record<string, Tensor>) => {
      batches.push(feeds["tokens"]?.dims[0] as number);
      return engine.step.run(feeds);
    },
  };
  return { engine: { ...engine, step }, batches };
}

describe("generate", () => {
  test("the same seed gives the same images, another seed other images", async () => {
    const a = await model.generate("red apple", { count: 3, seed: 7 });
    const b = await model.generate("red apple", { count: 3, seed: 7 });
    const c = await model.generate("red apple", { count: 3, seed: 8 });
    expect(b.candidates.map((x) => Array.from(x.codes))).toEqual(
      a.candidates.map((x) => Array.from(x.codes)),
    );
    expect(b.candidates.map((x) => Array.from(x.image.data))).toEqual(
      a.candidates.map((x) => Array.from(x.image.data)),
    );
    expect(b.candidates.map((x) => x.score)).toEqual(a.candidates.map((x) => x.score));
    expect(c.candidates.map((x) => Array.from(x.codes))).not.toEqual(
      a.candidates.map((x) => Array.from(x.codes)),
    );
  });

  test("runs every candidate and its guidance twin in one batched step per token", async () => {
    const { engine, batches } = await countingEngine();
    const result = await runGeneration(engine, "blue square", model.captionIds("blue square"), {
      count: 4,
      seed: 1,
      guidance: 3,
    });
    // The shared prefix runs once for the caption and once for the empty caption, then B = 2 × count.
    expect(batches).toEqual([...Array<number>(L + 2).fill(2), ...Array<number>(G2 - 1).fill(8)]);
    expect(result.steps).toBe(L + 2 + G2 - 1);
    expect(result.candidates).toHaveLength(4);
  });

  test("without guidance (scale 1) runs only the conditional rows", async () => {
    const { engine, batches } = await countingEngine();
    await runGeneration(engine, "blue square", model.captionIds("blue square"), {
      count: 3,
      seed: 1,
      guidance: 1,
    });
    expect(batches).toEqual([...Array<number>(L + 2).fill(1), ...Array<number>(G2 - 1).fill(3)]);
  });

  test("fanning out the shared prefix gives the logits of running it on every row", async () => {
    const step = await (
      model as unknown as { sessions: { get(r: string): Promise<ModelSession> } }
    ).sessions.get("gpt-step");
    const ids = model.captionIds("green circle");
    const { bot, boi } = model.card.gpt;
    const prefix = (row: number): number[] => [
      bot,
      ...Array.from(ids, (id) => (row < 2 ? id : model.card.text.padId)),
      boi,
    ];
    const full = new KvStream(step, model.card, 4);
    const shared = new KvStream(step, model.card, 2);
    let fullLogits: Float32Array = new Float32Array(0);
    for (let pos = 0; pos < L + 2; pos++) {
      fullLogits = await full.step([0, 1, 2, 3].map((row) => prefix(row)[pos] as number));
      await shared.step([0, 2].map((row) => prefix(row)[pos] as number));
    }
    await shared.gather([0, 0, 1, 1]);
    const next = [5, 6, 5, 6].map((c) => model.card.gpt.imageOffset + c);
    const a = await full.step(next);
    const b = await shared.step(next);
    expect(fullLogits.length).toBe(4 * model.card.gpt.vocabSize);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
    expect(worst).toBeLessThan(1e-4);
    full.dispose();
    shared.dispose();
  });

  test("cancel stops within one step", async () => {
    const controller = new AbortController();
    const { engine, batches } = await countingEngine();
    let stepsWhenCancelled = 0;
    const run = runGeneration(engine, "red apple", model.captionIds("red apple"), {
      count: 2,
      seed: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === L + 5 && !controller.signal.aborted) {
          stepsWhenCancelled = batches.length;
          controller.abort();
        }
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(batches.length - stepsWhenCancelled).toBeLessThanOrEqual(1);
    expect((error as CancelledError).step).toBe(L + 5);
  });

  test("delivers partial images that fill in one code row at a time", async () => {
    const partials: { tokens: number; alphaRows: number[] }[] = [];
    const { res, grid } = model.card.vq;
    await model.generate("yellow triangle", {
      count: 2,
      seed: 3,
      previewIntervalMs: 0,
      onProgress: (p) => {
        const image = p.partial?.[0];
        if (!image) return;
        const alphaRows = Array.from({ length: res }, (_, y) => image.data[(y * res + 1) * 4 + 3] as number);
        partials.push({ tokens: p.tokens, alphaRows });
      },
    });
    expect(partials.map((p) => p.tokens)).toEqual(Array.from({ length: grid - 1 }, (_, i) => (i + 1) * grid));
    for (const { tokens, alphaRows } of partials) {
      const visible = (tokens / grid) * (res / grid);
      expect(alphaRows).toEqual(Array.from({ length: res }, (_, y) => (y < visible ? 255 : 0)));
    }
  });

  test("returns candidates best CLIP score first, each scored against the caption", async () => {
    const { candidates } = await model.generate("purple diamond", { count: 4, seed: 11 });
    const scores = candidates.map((c) => c.score as number);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const [text] = await model.embedText(["purple diamond"]);
    const images = await model.embedImage(candidates.map((c) => c.image));
    images.forEach((embedding, i) => {
      const cosine = embedding.reduce((sum, x, d) => sum + x * (text as Float32Array)[d]!, 0);
      expect(cosine).toBeCloseTo(scores[i] as number, 2);
    });
  });

  test("keeps generation order when reranking is off", async () => {
    const { candidates } = await model.generate("red apple", { count: 3, seed: 2, rerank: false });
    expect(candidates.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(candidates.every((c) => c.score === undefined)).toBe(true);
  });

  test.each([
    ["count", { count: 0 }],
    ["topP", { topP: 0 }],
    ["seed", { seed: 1.5 }],
    ["guidance", { guidance: -1 }],
  ])("refuses a bad %s before running anything", async (_name, options) => {
    await expect(model.generate("x", options)).rejects.toBeInstanceOf(ModelOptionError);
  });
});
