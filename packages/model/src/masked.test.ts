import { beforeAll, describe, expect, test } from "vitest";
import { RUNTIME_ROLES } from "@commonspace/manifest";
import { TINY_BUNDLE_DIR, TINY_FORMAT2_DIR } from "../test/bundle-under-test";
import type { ModelSession, Tensor } from "./backend";
import type { MaskgitCard } from "./bundle/card-maskgit";
import { FIRST_TEXT_ID } from "./caption";
import { CancelledError, ModelOptionError, ModeUnavailableError } from "./errors";
import type { GenerateProgress } from "./generate";
import { createImage, type RgbaImage } from "./image";
import {
  CAPTION_CHOICE_TEMPERATURE,
  runMaskedCaption,
  runMaskedGeneration,
  type MaskedEngine,
} from "./masked";
import { gumbel, sampleCode } from "./masked-decoding";
import { createModel, type Model } from "./model";
import { loadBundleFromDirectory } from "./node/directory";
import { createRng } from "./rng";

let model: Model;
let m: MaskgitCard;

beforeAll(async () => {
  model = createModel(await loadBundleFromDirectory(TINY_BUNDLE_DIR));
  m = model.card.maskgit as MaskgitCard;
});

interface Pass {
  readonly batch: number;
  readonly tokens: number[];
  readonly cond: Float32Array | undefined;
}

/** The model's masked engine with its maskgit session wrapped to record every pass's feeds. */
async function recordingEngine(): Promise<{ engine: MaskedEngine; passes: Pass[] }> {
  const engine = await (model as unknown as { maskedEngine(): Promise<MaskedEngine> }).maskedEngine();
  const passes: Pass[] = [];
  const maskgit = {
    run: (feeds: Record<string, Tensor>) => {
      const tokens = feeds["tokens"] as Tensor;
      passes.push({
        batch: tokens.dims[0] as number,
        tokens: Array.from(tokens.data as BigInt64Array, Number),
        cond: feeds["cond"]?.data as Float32Array | undefined,
      });
      return engine.maskgit.run(feeds);
    },
  };
  return { engine: { ...engine, maskgit }, passes };
}

function solid(rgb: [number, number, number]): RgbaImage {
  const image = createImage(32, 32);
  for (let i = 0; i < image.data.length; i += 4) image.data.set([...rgb, 255], i);
  return image;
}

const codesOf = (g: { candidates: readonly { codes: Int32Array }[] }) =>
  g.candidates.map((c) => Array.from(c.codes));

describe("masked generation", () => {
  test("gives count images; the same seed the same codes, another seed others", async () => {
    const a = await model.generate("red square", { mode: "masked", count: 3, seed: 7 });
    const b = await model.generate("red square", { mode: "masked", count: 3, seed: 7 });
    const c = await model.generate("red square", { mode: "masked", count: 3, seed: 8 });
    expect(a.mode).toBe("masked");
    expect(a.candidates).toHaveLength(3);
    expect(a.candidates.every((x) => x.image.width === 32 && x.codes.length === 64)).toBe(true);
    expect(a.candidates.every((x) => x.codes.every((code) => code >= 0 && code < m.codebookSize))).toBe(true);
    expect(codesOf(b)).toEqual(codesOf(a));
    expect(b.candidates.map((x) => Array.from(x.image.data))).toEqual(
      a.candidates.map((x) => Array.from(x.image.data)),
    );
    expect(codesOf(c)).not.toEqual(codesOf(a));
  });

  test("candidate i depends only on stream i of the seed, not on how many run beside it", async () => {
    const two = await model.generate("blue circle", { mode: "masked", count: 2, seed: 3, rerank: false });
    const four = await model.generate("blue circle", { mode: "masked", count: 4, seed: 3, rerank: false });
    expect(codesOf(four).slice(0, 2)).toEqual(codesOf(two));
  });

  test("makes exactly `steps` passes of 2N rows laid out as [bot, caption, image], conditional rows first", async () => {
    const { engine, passes } = await recordingEngine();
    const ids = model.captionIds("green circle");
    const [clipText] = await model.embedText(["green circle"]);
    const result = await runMaskedGeneration(engine, "green circle", ids, { count: 3, seed: 1, guidance: 2 });
    expect(result.steps).toBe(m.sampling.steps);
    expect(passes.map((p) => p.batch)).toEqual(Array<number>(m.sampling.steps).fill(6));
    const T = m.blockSize;
    const first = passes[0] as Pass;
    for (let row = 0; row < 6; row++) {
      const seq = first.tokens.slice(row * T, (row + 1) * T);
      const caption = seq.slice(m.captionStart, m.imageStart);
      expect(seq[0]).toBe(m.bot);
      expect(caption).toEqual(row < 3 ? Array.from(ids) : Array<number>(m.captionLen).fill(m.padId));
      expect(seq.slice(m.imageStart)).toEqual(Array<number>(m.imageTokens).fill(m.maskId));
      const cond = Array.from(first.cond!.subarray(row * 32, (row + 1) * 32));
      expect(cond).toEqual(row < 3 ? Array.from(clipText!) : Array<number>(32).fill(0));
    }
    // Later passes feed the decided codes (image_offset + code) and keep the rest masked, on the schedule.
    const image = (pass: Pass, row: number) => pass.tokens.slice(row * T + m.imageStart, (row + 1) * T);
    const decided = passes.map((p) => image(p, 0).filter((t) => t !== m.maskId).length);
    expect(decided).toEqual([0, 5, 19, 40]);
    expect(image(passes[3]!, 3)).toEqual(image(passes[3]!, 0)); // a twin sees its candidate's image
  });

  test("without guidance (scale 1) runs only the N conditional rows", async () => {
    const { engine, passes } = await recordingEngine();
    await runMaskedGeneration(engine, "red square", model.captionIds("red square"), {
      count: 3,
      seed: 1,
      guidance: 1,
      steps: 2,
    });
    expect(passes.map((p) => p.batch)).toEqual([3, 3]);
  });

  test("reports every step with whole, opaque partial images that converge on the result", async () => {
    const progress: GenerateProgress[] = [];
    const steps = 6;
    const result = await model.generate("yellow triangle", {
      mode: "masked",
      count: 2,
      seed: 5,
      steps,
      rerank: false,
      onProgress: (p) => progress.push(p),
    });
    const withPartial = progress.filter((p) => p.partial);
    expect(withPartial.map((p) => [p.phase, p.step, p.totalSteps])).toEqual(
      Array.from({ length: steps }, (_, s) => ["image", s + 1, steps]),
    );
    expect(withPartial.map((p) => p.tokens)).toEqual([3, 9, 19, 32, 48, 64]); // 64 − masked_after_step(64, s, 6)
    for (const p of withPartial) {
      expect(p.partial).toHaveLength(2);
      expect(p.partial!.every((image) => image.data.every((v, i) => i % 4 !== 3 || v === 255))).toBe(true);
    }
    const last = withPartial.at(-1)!.partial!;
    expect(Array.from(last[0]!.data)).toEqual(Array.from(result.candidates[0]!.image.data));
    expect(progress.map((p) => p.phase).slice(steps)).toEqual(["decode"]);
  });

  test("cancel takes effect before the next pass", async () => {
    const { engine, passes } = await recordingEngine();
    const controller = new AbortController();
    let passesWhenCancelled = -1;
    const run = runMaskedGeneration(engine, "red square", model.captionIds("red square"), {
      count: 2,
      seed: 1,
      steps: 8,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 2 && !controller.signal.aborted) {
          passesWhenCancelled = passes.length;
          controller.abort();
        }
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).step).toBe(2);
    expect(passes.length - passesWhenCancelled).toBe(0);
  });

  test("refuses a bad step count before running anything", async () => {
    await expect(model.generate("x", { mode: "masked", steps: 0 })).rejects.toBeInstanceOf(ModelOptionError);
    await expect(model.generate("x", { mode: "masked", steps: 2.5 })).rejects.toThrow(/Option steps is 2\.5/);
  });

  test("uses the card's default mode when none is given", async () => {
    expect(model.modes).toEqual(["autoregressive", "masked"]);
    expect(model.defaultMode).toBe(model.card.generator.defaultMode);
    const plain = await model.generate("red square", { count: 1, seed: 1, rerank: false });
    expect(plain.mode).toBe(model.defaultMode);
    const card = { ...model.card, generator: { modes: model.modes, defaultMode: "masked" as const } };
    const maskedFirst = createModel({ ...model.bundle, card });
    expect(maskedFirst.defaultMode).toBe("masked");
    expect((await maskedFirst.generate("red square", { count: 1, seed: 1 })).mode).toBe("masked");
    await maskedFirst.dispose();
  });
});

/** The tiny bundle's codes, CLIP embedding and maskgit session for captioning `image`. */
async function captionInputs(image: RgbaImage) {
  const [codes] = await model.encodeImages([image]);
  const [clip] = await model.embedImage([image]);
  const session = await (
    model as unknown as { sessions: { get(r: string): Promise<ModelSession> } }
  ).sessions.get("maskgit");
  return { codes: codes!, clip, session };
}

/** A stand-in maskgit graph that answers every pass with these text logits `[L × V]` (and zero image logits). */
function standIn(text: Float32Array) {
  const tensor = (data: Float32Array, dims: number[]) => ({ data, dims, type: "float32", location: "cpu" });
  return {
    run: () =>
      Promise.resolve({
        image_logits: tensor(new Float32Array(m.imageTokens * m.codebookSize), [
          1,
          m.imageTokens,
          m.codebookSize,
        ]),
        text_logits: tensor(text, [1, m.captionLen, m.textVocab]),
      } as unknown as Record<string, Tensor>),
  };
}

describe("masked captioning", () => {
  test("is deterministic, takes caption_steps passes and returns ordinary text ids only", async () => {
    const [codes] = await model.encodeImages([solid([220, 30, 30])]);
    const [clip] = await model.embedImage([solid([220, 30, 30])]);
    const session = await (
      model as unknown as { sessions: { get(r: string): Promise<ModelSession> } }
    ).sessions.get("maskgit");
    let passes = 0;
    const counting = { run: (feeds: Record<string, Tensor>) => (passes++, session.run(feeds)) };
    const limit = model.tokenizer.vocabSize;
    const a = await runMaskedCaption(counting, model.card, codes!, clip, { textIdLimit: limit });
    const b = await runMaskedCaption(counting, model.card, codes!, clip, { textIdLimit: limit });
    expect(passes).toBe(2 * m.sampling.captionSteps);
    expect(b).toEqual(a);
    expect(a.length).toBeLessThanOrEqual(m.captionLen);
    expect(a.every((id) => id >= FIRST_TEXT_ID && id < limit)).toBe(true);
    const text = await model.caption(solid([220, 30, 30]), { mode: "masked" });
    expect(text).toBe(model.tokenizer.decode(a, { skipSpecialTokens: true }));
    expect(await model.caption(solid([220, 30, 30]), { mode: "masked" })).toBe(text);
  });

  test("never picks a special token, and ends the caption at the first pad", async () => {
    // A stand-in graph whose favourite at every position is a special token (bot), then ids 40, 41, pad.
    const L = m.captionLen;
    const V = m.textVocab;
    const session = {
      run: () => {
        const text = new Float32Array(L * V).fill(-10);
        for (let p = 0; p < L; p++) {
          text[p * V + m.bot] = 5;
          text[p * V + (p === 0 ? 40 : p === 1 ? 41 : m.padId)] = 1;
          text[p * V + 42] = p === 3 ? 2 : -10; // after a pad: never part of the caption
        }
        const image = new Float32Array(m.imageTokens * m.codebookSize);
        const tensor = (data: Float32Array, dims: number[]) => ({
          data,
          dims,
          type: "float32",
          location: "cpu",
        });
        return Promise.resolve({
          image_logits: tensor(image, [1, m.imageTokens, m.codebookSize]),
          text_logits: tensor(text, [1, L, V]),
        } as unknown as Record<string, Tensor>);
      },
    };
    const codes = new Int32Array(m.imageTokens);
    const clip = new Float32Array(32);
    expect(await runMaskedCaption(session, model.card, codes, clip, { textIdLimit: 100 })).toEqual([40, 41]);
  });

  test("sampled (temperature > 0) is deterministic per seed, differs from greedy, stays in the allowed ids", async () => {
    const { codes, clip, session } = await captionInputs(solid([220, 30, 30]));
    const limit = model.tokenizer.vocabSize;
    const greedy = await runMaskedCaption(session, model.card, codes, clip, { textIdLimit: limit });
    const sampled: number[][] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const options = { textIdLimit: limit, temperature: 0.7, seed };
      const a = await runMaskedCaption(session, model.card, codes, clip, options);
      expect(await runMaskedCaption(session, model.card, codes, clip, options)).toEqual(a);
      expect(a.every((id) => id >= FIRST_TEXT_ID && id < limit)).toBe(true);
      sampled.push(a);
    }
    expect(sampled.some((ids) => ids.join() !== greedy.join())).toBe(true);
    expect(new Set(sampled.map((ids) => ids.join())).size).toBeGreaterThan(1);
    const text = await model.caption(solid([220, 30, 30]), { mode: "masked", temperature: 0.7, seed: 3 });
    expect(text).toBe(model.tokenizer.decode(sampled[2]!, { skipSpecialTokens: true }));
  });

  test("temperature 0 is the greedy path whatever the seed (no draws)", async () => {
    const { codes, clip, session } = await captionInputs(solid([30, 30, 220]));
    const base = { textIdLimit: model.tokenizer.vocabSize };
    const greedy = await runMaskedCaption(session, model.card, codes, clip, base);
    for (const seed of [0, 1, 99])
      expect(
        await runMaskedCaption(session, model.card, codes, clip, { ...base, temperature: 0, seed }),
      ).toEqual(greedy);
  });

  test("one step samples each position in order from the tempered allowed logits, then draws its Gumbel", async () => {
    // A stand-in graph: random logits over the whole text vocabulary, special slots favoured.
    const L = m.captionLen;
    const V = m.textVocab;
    const limit = 60;
    const text = Float32Array.from(
      { length: L * V },
      (_, i) => Math.sin(i * 12.9898) * 3 + (i % V < 8 ? 9 : 0),
    );
    const session = standIn(text);
    const codes = new Int32Array(m.imageTokens);
    const clip = new Float32Array(32);
    const options = { textIdLimit: limit, temperature: 1.5, seed: 9, steps: 1 };
    const ids = await runMaskedCaption(session, model.card, codes, clip, options);
    // With one step every position is decided at once (noise scale 0); the draws still alternate sample, Gumbel.
    const allowed = [m.padId, ...Array.from({ length: limit - FIRST_TEXT_ID }, (_, i) => FIRST_TEXT_ID + i)];
    const rng = createRng(9);
    const expected: number[] = [];
    for (let p = 0; p < L; p++) {
      const row = Float32Array.from(allowed, (id) => text[p * V + id] as number);
      expected.push(allowed[sampleCode(row, 1.5, 0, rng).code] as number);
      gumbel(rng);
    }
    const end = expected.indexOf(m.padId);
    expect(ids).toEqual(end < 0 ? expected : expected.slice(0, end));
    expect(CAPTION_CHOICE_TEMPERATURE).toBe(2);
  });

  test("sampling never picks a special token, however hot", async () => {
    const L = m.captionLen;
    const V = m.textVocab;
    const text = new Float32Array(L * V).fill(0);
    for (let p = 0; p < L; p++) text[p * V + m.bot] = 50; // bot: by far the favourite, never allowed
    const codes = new Int32Array(m.imageTokens);
    const clip = new Float32Array(32);
    for (let seed = 0; seed < 5; seed++) {
      const options = { textIdLimit: 100, temperature: 5, seed };
      const ids = await runMaskedCaption(standIn(text), model.card, codes, clip, options);
      expect(ids.every((id) => id >= FIRST_TEXT_ID && id < 100)).toBe(true);
    }
  });
});

describe("bundles without the masked generator", () => {
  test("a format-2 bundle has the autoregressive mode only and refuses masked with a named error", async () => {
    const plain = createModel(await loadBundleFromDirectory(TINY_FORMAT2_DIR));
    expect(plain.modes).toEqual(["autoregressive"]);
    expect(plain.defaultMode).toBe("autoregressive");
    const error = await plain.generate("red", { mode: "masked" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModeUnavailableError);
    expect(error).toMatchObject({ mode: "masked", available: ["autoregressive"] });
    expect((error as Error).message).toMatch(
      /"masked" is not available in this model; it has autoregressive/,
    );
    await expect(plain.caption(solid([0, 0, 0]), { mode: "masked" })).rejects.toBeInstanceOf(
      ModeUnavailableError,
    );
    await plain.dispose();
  });

  test("a bundle loaded without its maskgit file runs autoregressive only", async () => {
    const bundle = await loadBundleFromDirectory(TINY_BUNDLE_DIR, { roles: RUNTIME_ROLES });
    const without = createModel(bundle);
    expect(bundle.files.has("maskgit")).toBe(false);
    expect(without.modes).toEqual(["autoregressive"]);
    await expect(without.generate("red", { mode: "masked" })).rejects.toBeInstanceOf(ModeUnavailableError);
    await expect(without.generate("red", { mode: "sideways" as never })).rejects.toThrow(/"sideways"/);
    await without.dispose();
  });
});
