import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { TINY_BUNDLE_DIR } from "../test/bundle-under-test";
import type { Tensor } from "./backend";
import type { MaskgitCard } from "./bundle/card-maskgit";
import { bestCaption, CANDIDATE_TEMPERATURE } from "./caption-candidates";
import { CancelledError, ModelOptionError } from "./errors";
import { createImage, type RgbaImage } from "./image";
import { createModel, type Model } from "./model";
import { loadBundleFromDirectory } from "./node/directory";

let model: Model;

beforeAll(async () => {
  model = createModel(await loadBundleFromDirectory(TINY_BUNDLE_DIR));
});
afterAll(() => model.dispose());

function solid(rgb: [number, number, number]): RgbaImage {
  const image = createImage(32, 32);
  for (let i = 0; i < image.data.length; i += 4) image.data.set([...rgb, 255], i);
  return image;
}

const MODES = ["autoregressive", "masked"] as const;
const RED = solid([220, 30, 30]);
const IMAGES = [RED, solid([30, 30, 220]), solid([30, 200, 30])];

interface Internals {
  embedTextNow(texts: readonly string[]): Promise<Float32Array[]>;
  sessions: { get(role: string): Promise<{ run(feeds: Record<string, Tensor>): Promise<unknown> }> };
}

/** The N candidates as separate public calls: greedy, then `temperature` with seeds seed+1 … seed+N−1. */
async function candidatesOf(
  image: RgbaImage,
  n: number,
  options: { mode: (typeof MODES)[number]; temperature?: number; seed?: number },
): Promise<string[]> {
  const { mode, temperature = CANDIDATE_TEMPERATURE, seed = 0 } = options;
  const texts = [await model.caption(image, { mode })];
  for (let i = 1; i < n; i++) texts.push(await model.caption(image, { mode, temperature, seed: seed + i }));
  return texts;
}

/** Runs `caption` and returns its result with the texts it gave the CLIP text encoder. */
async function captionRecordingRanked(
  image: RgbaImage,
  options: Parameters<Model["caption"]>[1],
): Promise<{ text: string; ranked: string[][] }> {
  const spy = vi.spyOn(model as unknown as Internals, "embedTextNow");
  try {
    const text = await model.caption(image, options);
    return { text, ranked: spy.mock.calls.map(([texts]) => [...texts]) };
  } finally {
    spy.mockRestore();
  }
}

/** A fresh model whose `role` session calls `onRun(runsSoFar)` before each run. */
async function watchedModel(role: string, onRun: (runs: number) => void): Promise<Model> {
  const watched = createModel(model.bundle);
  const sessions = (watched as unknown as Internals).sessions;
  const get = sessions.get.bind(sessions);
  let runs = 0;
  sessions.get = async (r) => {
    const session = await get(r);
    if (r !== role) return session;
    return { run: (feeds) => (onRun(++runs), session.run(feeds)) };
  };
  return watched;
}

describe("caption candidates", () => {
  test("candidates: 1 gives exactly the caption without the option, greedy or sampled, in both modes", async () => {
    for (const mode of MODES) {
      expect(await model.caption(RED, { mode, candidates: 1 })).toBe(await model.caption(RED, { mode }));
      const sampled = { mode, temperature: 0.9, seed: 3 };
      expect(await model.caption(RED, { ...sampled, candidates: 1 })).toBe(await model.caption(RED, sampled));
    }
  });

  test("best of 8 is the caption model.rank puts first among greedy + 7 sampled at 0.7 (seeds 1..7)", async () => {
    let notGreedy = 0;
    for (const mode of MODES) {
      for (const image of IMAGES) {
        const texts = await candidatesOf(image, 8, { mode });
        const distinct = [...new Set(texts.filter((t) => t !== ""))];
        expect(distinct.length).toBeGreaterThan(1); // else the choice would be trivial
        const { text, ranked } = await captionRecordingRanked(image, { mode, candidates: 8 });
        expect(ranked).toEqual([distinct]); // exactly this candidate set, empties and repeats dropped
        const [first] = await model.rank(image, distinct);
        expect(text).toBe(first!.item);
        if (text !== texts[0]) notGreedy++;
      }
    }
    expect(notGreedy).toBeGreaterThan(0); // the choice is not always candidate 0
  });

  test("sampled candidates use the caller's temperature and seed + i", async () => {
    for (const mode of MODES) {
      const options = { mode, temperature: 1.3, seed: 40 };
      const texts = await candidatesOf(RED, 5, options);
      const distinct = [...new Set(texts.filter((t) => t !== ""))];
      const { text, ranked } = await captionRecordingRanked(RED, { ...options, candidates: 5 });
      expect(ranked).toEqual(distinct.length > 1 ? [distinct] : []);
      expect(text).toBe(
        distinct.length > 1 ? (await model.rank(RED, distinct))[0]!.item : (distinct[0] ?? ""),
      );
    }
  });

  test("refuses a bad candidate count, or no temperature for the sampled ones, and keeps working", async () => {
    const before = await model.caption(RED);
    for (const candidates of [0, 17, 2.5, Number.NaN]) {
      const error = await model.caption(RED, { candidates }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelOptionError);
      expect(error).toMatchObject({ option: "candidates", found: candidates });
      expect((error as Error).message).toMatch(/^Option candidates is .*, expected an integer in 1\.\.16\.$/);
    }
    for (const temperature of [0, -1]) {
      const error = await model.caption(RED, { candidates: 2, temperature }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "ModelOptionError", option: "temperature", found: temperature });
    }
    await expect(model.caption(RED, { candidates: 2, seed: Number.MAX_SAFE_INTEGER })).rejects.toMatchObject({
      option: "seed",
    });
    expect(await model.caption(RED, { candidates: 1, temperature: 0 })).toBe(before);
    expect(await model.caption(RED)).toBe(before);
    expect(typeof (await model.caption(RED, { candidates: 16 }))).toBe("string");
  });

  test("cancel between candidates or within one rejects with CancelledError and runs no further pass", async () => {
    const perCaption = (model.card.maskgit as MaskgitCard).sampling.captionSteps;
    // Abort in the last pass of candidate 0 (caught between candidates) or in candidate 1's second pass.
    for (const abortAt of [perCaption, perCaption + 2]) {
      const controller = new AbortController();
      let passes = 0;
      const watched = await watchedModel("maskgit", (runs) => {
        passes = runs;
        if (runs === abortAt) controller.abort();
      });
      const run = watched.caption(RED, { mode: "masked", candidates: 4, signal: controller.signal });
      await expect(run).rejects.toBeInstanceOf(CancelledError);
      expect(passes).toBe(abortAt);
      expect(await watched.caption(RED, { mode: "masked" })).toBe(
        await model.caption(RED, { mode: "masked" }),
      );
      await watched.dispose();
    }
    // Autoregressive: abort in the image prefix, or in the batched text steps after it.
    const prefix = model.card.vq.grid ** 2 + 2;
    for (const abortAt of [3, prefix + 2]) {
      const controller = new AbortController();
      let runs = 0;
      const watched = await watchedModel("gpt-step", (n) => {
        runs = n;
        if (n === abortAt) controller.abort();
      });
      const error = await watched
        .caption(RED, { mode: "autoregressive", candidates: 8, temperature: 3, signal: controller.signal })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CancelledError);
      expect(runs).toBe(abortAt);
      await watched.dispose();
    }
  });

  test("autoregressive candidates share one image prefix: at most G² + 2 + L step runs for 8", async () => {
    let runs = 0;
    const watched = await watchedModel("gpt-step", () => runs++);
    const options = { mode: "autoregressive", candidates: 8, temperature: 3 } as const;
    const text = await watched.caption(RED, options);
    expect(text).toBe(await model.caption(RED, options));
    const { grid } = model.card.vq;
    expect(runs).toBeGreaterThan(grid ** 2 + 2);
    expect(runs).toBeLessThanOrEqual(grid ** 2 + 2 + model.card.text.captionLen);
    await watched.dispose();
  });
});

describe("bestCaption", () => {
  const unit = (...v: number[]): Float32Array => {
    const n = Math.hypot(...v);
    return Float32Array.from(v, (x) => x / n);
  };
  const table: Record<string, Float32Array> = {
    apple: unit(1, 0),
    pear: unit(0, 1),
    tied: unit(1, 0),
    near: unit(1, 1),
  };
  const embed = (texts: readonly string[]) => Promise.resolve(texts.map((t) => table[t]!));
  const image = unit(1, 0.1);

  test("picks the closest by cosine; ties go to the earlier candidate; empties and repeats are dropped", async () => {
    expect(await bestCaption(["pear", "near", "apple"], image, embed, 10)).toBe("apple");
    expect(await bestCaption(["pear", "tied", "apple"], image, embed, 10)).toBe("tied");
    expect(await bestCaption(["pear", "apple", "tied"], image, embed, 10)).toBe("apple");
    const seen: string[][] = [];
    const recording = (texts: readonly string[]) => (seen.push([...texts]), embed(texts));
    expect(await bestCaption(["", "pear", "", "near", "pear"], image, recording, 10)).toBe("near");
    expect(seen).toEqual([["pear", "near"]]);
  });

  test("gives the only distinct caption without embedding, and '' when every candidate is empty", async () => {
    const never = () => Promise.reject(new Error("should not embed"));
    expect(await bestCaption(["", "pear", "pear"], image, never, 10)).toBe("pear");
    expect(await bestCaption(["", ""], image, never, 10)).toBe("");
  });
});
