// Image → caption through the reverse stream (docs/bundle-format.md §6 "Captioning"): the prefix
// [<|boi|>, image codes, <|boc|>], then text ids one at a time until <|eot|> or L ids. Greedy by default;
// with a temperature it samples from a seeded stream. Only ordinary text ids (past the tokenizer's special
// slots) and <|eot|> may be chosen.
import { SPECIAL_TOKEN_SLOTS } from "@commonspace/tokenizer";
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

/** Samples caption ids (without <|eot|>) for image codes `[G²]`. */
export async function runCaption(
  step: StepSession,
  card: ModelCard,
  codes: Int32Array,
  options: CaptionOptions = {},
): Promise<number[]> {
  const G2 = card.vq.grid ** 2;
  if (codes.length !== G2) throw new ModelOptionError("codes", `${codes.length} codes`, `${G2} (G × G)`);
  const { temperature = 0, seed = 0 } = options;
  const rng = createRng(seed);
  const { boi, boc, eot, imageOffset, vocabSize } = card.gpt;
  const textVocab = Math.min(card.gpt.textVocab, options.textIdLimit ?? card.gpt.textVocab);
  const allowed = new Float32Array(textVocab - FIRST_TEXT_ID + 1);
  const stream = new KvStream(step, card, 1);
  const ids: number[] = [];
  try {
    const prefix = [boi, ...Array.from(codes, (c) => imageOffset + c), boc];
    let logits: Float32Array = new Float32Array(vocabSize);
    for (const token of [...prefix, ...Array<number>(card.text.captionLen)]) {
      if (options.signal?.aborted) throw new CancelledError("caption", stream.steps);
      if (stream.position >= prefix.length) {
        // Candidates: text ids FIRST_TEXT_ID..textVocab-1, then <|eot|> in the last slot.
        allowed.set(logits.subarray(FIRST_TEXT_ID, textVocab));
        allowed[allowed.length - 1] = logits[eot] as number;
        const pick = sampleLogits(allowed, { ...options, temperature }, rng);
        if (pick === allowed.length - 1) break;
        ids.push(FIRST_TEXT_ID + pick);
        if (ids.length === card.text.captionLen) break;
        logits = await stream.step([FIRST_TEXT_ID + pick]);
      } else {
        logits = await stream.step([token]);
      }
    }
  } finally {
    stream.dispose();
  }
  return ids;
}
