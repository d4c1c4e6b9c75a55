// Image → caption through the reverse stream (docs/bundle-format.md §6 "Captioning"): the prefix
// [<|boi|>, image codes, <|boc|>], then text ids one at a time until <|eot|> or L ids. Greedy by default;
// with a temperature it samples from a seeded stream. Only ordinary text ids (past the tokenizer's special
// slots) and <|eot|> may be chosen.
import { SPECIAL_TOKEN_SLOTS, type Tokenizer } from "@commonspace/tokenizer";
import type { ModelCard } from "./bundle/card";
import type { GenerationMode } from "./bundle/card-maskgit";
import { CancelledError, ModelOptionError } from "./errors";
import { KvStream, type StepSession } from "./kv-stream";
import { createRng } from "./rng";
import { sampleLogits, type SamplingOptions } from "./sampling";

/**
 * Options of `model.caption`. `temperature` and `seed` apply to both modes (0, the default, is greedy); `topK` and
 * `topP` to the autoregressive mode only.
 */
export interface CaptionOptions extends SamplingOptions {
  /** `"autoregressive"` (the GPT's reverse stream) or `"masked"`; default `model.defaultMode`. */
  mode?: GenerationMode;
  /** Masked mode: decoding steps (default `card.maskgit.sampling.caption_steps`). */
  steps?: number;
  /** Text ids at or above this are never chosen (default `card.gpt.text_vocab`; the model passes its tokenizer's size). */
  textIdLimit?: number;
  /** Seed when sampling (temperature > 0); default 0. */
  seed?: number;
  /**
   * Best of N by CLIP, 1..16 (default 1: one caption, as above). N > 1 makes the greedy caption and N − 1 sampled
   * at `temperature` (default 0.7, must be above 0) with seeds `seed + 1` … `seed + N − 1`, and returns the one
   * whose CLIP text embedding is closest to the image's (src/caption-candidates.ts).
   */
  candidates?: number;
  /** Cancels between steps and between candidates, with CancelledError. */
  signal?: AbortSignal;
}

/** First ordinary text id: ids below it are the tokenizer's special-token slots. */
export const FIRST_TEXT_ID = SPECIAL_TOKEN_SLOTS;

/**
 * Caption ids → the text a person reads: decoded without special tokens, runs of whitespace made one space and
 * the ends trimmed. Captions are trained without leading spaces, but the model may still open with a
 * space-prefixed piece ("Ġlaice"), which would show as “ laice”.
 */
export function captionText(tokenizer: Tokenizer, ids: ArrayLike<number>): string {
  return tokenizer.decode(ids, { skipSpecialTokens: true }).replace(/\s+/g, " ").trim();
}

/** Samples caption ids (without <|eot|>) for image codes `[G²]`. */
export async function runCaption(
  step: StepSession,
  card: ModelCard,
  codes: Int32Array,
  options: CaptionOptions = {},
): Promise<number[]> {
  return (await runCaptions(step, card, codes, [options]))[0] as number[];
}

/**
 * Samples one caption per entry of `rows` (each with its own temperature, seed, top-k, top-p) for the same image
 * codes, in one batch: the image prefix runs once at batch 1 and is fanned out to every row, then all rows step
 * together until each has chosen <|eot|> or L ids. Row r gives what `runCaption(…, rows[r])` gives alone.
 * `signal` and `textIdLimit` are read from `rows[0]`.
 */
export async function runCaptions(
  step: StepSession,
  card: ModelCard,
  codes: Int32Array,
  rows: readonly CaptionOptions[],
): Promise<number[][]> {
  const G2 = card.vq.grid ** 2;
  if (codes.length !== G2) throw new ModelOptionError("codes", `${codes.length} codes`, `${G2} (G × G)`);
  if (rows.length === 0) return [];
  const { signal, textIdLimit } = rows[0] as CaptionOptions;
  const { boi, boc, eot, imageOffset, vocabSize } = card.gpt;
  const textVocab = Math.min(card.gpt.textVocab, textIdLimit ?? card.gpt.textVocab);
  const rngs = rows.map((o) => createRng(o.seed ?? 0));
  const allowed = new Float32Array(textVocab - FIRST_TEXT_ID + 1);
  const stream = new KvStream(step, card, 1);
  const ids: number[][] = rows.map(() => []);
  const done = rows.map(() => false);
  const check = (): void => {
    if (signal?.aborted) throw new CancelledError("caption", stream.steps);
  };
  try {
    const prefix = [boi, ...Array.from(codes, (c) => imageOffset + c), boc];
    let logits: Float32Array = new Float32Array(vocabSize);
    for (const token of prefix) {
      check();
      logits = await stream.step([token]);
    }
    if (rows.length > 1) await stream.gather(rows.map(() => 0));
    let batchLogits: Float32Array[] = rows.map(() => logits);
    for (;;) {
      const next = rows.map((options, r) => {
        if (done[r]) return eot;
        // Candidates: text ids FIRST_TEXT_ID..textVocab-1, then <|eot|> in the last slot.
        const row = batchLogits[r] as Float32Array;
        allowed.set(row.subarray(FIRST_TEXT_ID, textVocab));
        allowed[allowed.length - 1] = row[eot] as number;
        const pick = sampleLogits(allowed, { ...options, temperature: options.temperature ?? 0 }, rngs[r]!);
        const out = ids[r] as number[];
        if (pick === allowed.length - 1) done[r] = true;
        else out.push(FIRST_TEXT_ID + pick);
        if (out.length === card.text.captionLen) done[r] = true;
        return done[r] ? eot : FIRST_TEXT_ID + pick;
      });
      if (done.every(Boolean)) break;
      check();
      const flat = await stream.step(next);
      batchLogits = rows.map((_, r) => flat.subarray(r * vocabSize, (r + 1) * vocabSize));
    }
  } finally {
    stream.dispose();
  }
  return ids;
}
