// Bundle format 3: the GPT step graph's `cond` input (the caption's CLIP text embedding at position 0), run on the
// real tiny fixtures of both formats.
import { beforeAll, describe, expect, test } from "vitest";
import { TINY_BUNDLE_DIR, TINY_FORMAT2_DIR } from "../test/bundle-under-test";
import type { ModelSession, Tensor } from "./backend";
import { readFloats } from "./backend";
import { runGeneration, type GenerationEngine } from "./generate";
import { KvStream } from "./kv-stream";
import { createModel, type Model } from "./model";
import { loadBundleFromDirectory } from "./node/directory";

let conditioned: Model;
let plain: Model;

beforeAll(async () => {
  conditioned = createModel(await loadBundleFromDirectory(TINY_BUNDLE_DIR));
  plain = createModel(await loadBundleFromDirectory(TINY_FORMAT2_DIR));
});

const engineOf = (model: Model): Promise<GenerationEngine> =>
  (model as unknown as { engine(): Promise<GenerationEngine> }).engine();
const stepOf = (model: Model): Promise<ModelSession> =>
  (model as unknown as { sessions: { get(r: string): Promise<ModelSession> } }).sessions.get("gpt-step");

/** The engine with its step session wrapped to keep a copy of every `cond` feed (undefined when none was fed). */
async function recordingEngine(
  model: Model,
): Promise<{ engine: GenerationEngine; conds: (Float32Array | undefined)[] }> {
  const engine = await engineOf(model);
  const conds: (Float32Array | undefined)[] = [];
  const step = {
    run: async (feeds: Record<string, Tensor>) => {
      const cond = feeds["cond"];
      conds.push(cond ? Float32Array.from(await readFloats(cond)) : undefined);
      return engine.step.run(feeds);
    },
  };
  return { engine: { ...engine, step }, conds };
}

describe("format 3: CLIP-conditioned generation", () => {
  test("feeds the caption's CLIP embedding to the caption row at position 0, zeros everywhere else", async () => {
    const { engine, conds } = await recordingEngine(conditioned);
    const ids = conditioned.captionIds("red circle");
    await runGeneration(engine, "red circle", ids, { count: 2, seed: 1, guidance: 3 });
    const [text] = await conditioned.embedText(["red circle"]);
    const E = conditioned.card.clip.embedDim;
    expect(conds).toHaveLength(conditioned.card.text.captionLen + 2 + conditioned.card.vq.grid ** 2 - 1);
    expect(conds[0]).toHaveLength(2 * E);
    expect(Array.from(conds[0]!.subarray(0, E))).toEqual(Array.from(text!));
    expect(conds[0]!.subarray(E).every((x) => x === 0)).toBe(true);
    expect(conds.slice(1).every((c) => c !== undefined && c.every((x) => x === 0))).toBe(true);
  });

  test("the condition changes what is drawn (same seed, same caption ids, zero embedding)", async () => {
    const engine = await engineOf(conditioned);
    const ids = conditioned.captionIds("blue square");
    const zero = new Float32Array(conditioned.card.clip.embedDim);
    const options = { count: 4, seed: 5, rerank: false };
    const withText = await runGeneration(engine, "blue square", ids, options);
    const withZeros = await runGeneration({ ...engine, embedCaption: async () => zero }, "", ids, options);
    expect(withZeros.candidates.map((c) => Array.from(c.codes))).not.toEqual(
      withText.candidates.map((c) => Array.from(c.codes)),
    );
  });

  test("the stream refuses a condition after position 0, of the wrong size, or for a format-2 graph", async () => {
    const E = conditioned.card.clip.embedDim;
    const stream = new KvStream(await stepOf(conditioned), conditioned.card, 2);
    const { bot, boi } = conditioned.card.gpt;
    await expect(stream.step([bot, bot], new Float32Array(E))).rejects.toThrow(
      /condition of 32 values for 2 rows/,
    );
    await stream.step([bot, bot], new Float32Array(2 * E));
    await expect(stream.step([boi, boi], new Float32Array(2 * E))).rejects.toThrow(
      /position 0 only, not at 1/,
    );
    stream.dispose();
    const old = new KvStream(await stepOf(plain), plain.card, 1);
    await expect(old.step([bot], new Float32Array(E))).rejects.toThrow(/takes no condition \(format 2\)/);
    old.dispose();
  });

  test("captioning runs on a conditioned graph (no condition: zeros)", async () => {
    const [image] = (await conditioned.generate("green triangle", { count: 1, seed: 2 })).candidates;
    expect(typeof (await conditioned.caption(image!.image))).toBe("string");
  });
});

describe("format 2 bundles still run", () => {
  test("generate and caption feed no condition", async () => {
    const { engine, conds } = await recordingEngine(plain);
    const result = await runGeneration(engine, "red circle", plain.captionIds("red circle"), {
      count: 2,
      seed: 1,
    });
    expect(result.candidates).toHaveLength(2);
    expect(conds.every((c) => c === undefined)).toBe(true);
    expect(typeof (await plain.caption(result.candidates[0]!.image))).toBe("string");
  });
});
