// Best-of-N captioning: candidate 0 is the greedy caption, candidates 1..N−1 are sampled (seeds seed+1 …), and
// the one whose CLIP text embedding is closest to the image's wins. Measured on validation in Python, best of 9
// by the bundle's own CLIP lifts judge-scored caption accuracy from ~9 % to ~12 %. The model runs the captions
// (model.ts); this file holds the rule: which options each candidate gets, and how the winner is picked.
import type { CaptionOptions } from "./caption";
import { ModelOptionError } from "./errors";
import { rankScores } from "./rank";

/** The most candidates one caption may ask for. */
export const MAX_CAPTION_CANDIDATES = 16;

/** The temperature of the sampled candidates when the caller gives none. */
export const CANDIDATE_TEMPERATURE = 0.7;

/** `options.candidates` (default 1), checked with the options it constrains. @throws ModelOptionError */
export function captionCandidateCount(options: CaptionOptions): number {
  const { candidates = 1, temperature, seed = 0 } = options;
  if (!Number.isInteger(candidates) || candidates < 1 || candidates > MAX_CAPTION_CANDIDATES)
    throw new ModelOptionError("candidates", candidates, `an integer in 1..${MAX_CAPTION_CANDIDATES}`);
  if (candidates === 1) return 1;
  if (temperature !== undefined && !(temperature > 0)) {
    const expected = "above 0 with candidates > 1 (greedy sampled candidates would all equal candidate 0)";
    throw new ModelOptionError("temperature", temperature, expected);
  }
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(seed + (candidates - 1)))
    throw new ModelOptionError("seed", seed, `a safe integer such that seed + ${candidates - 1} is one too`);
  return candidates;
}

/** The options of candidate `index`: greedy for 0, else sampled at the caller's temperature with seed + index. */
export function candidateOptions(options: CaptionOptions, index: number): CaptionOptions {
  const temperature = index === 0 ? 0 : (options.temperature ?? CANDIDATE_TEMPERATURE);
  return { ...options, candidates: 1, temperature, seed: (options.seed ?? 0) + index };
}

/**
 * The candidate caption closest to the image by CLIP (cosine of unit embeddings; ties: the earlier candidate),
 * after dropping empty captions and repeats (the first occurrence stays). "" when every candidate is empty.
 */
export async function bestCaption(
  texts: readonly string[],
  image: Float32Array,
  embedTexts: (texts: readonly string[]) => Promise<Float32Array[]>,
  logitScale: number,
): Promise<string> {
  const distinct = [...new Set(texts.filter((text) => text !== ""))];
  if (distinct.length <= 1) return distinct[0] ?? "";
  const [best] = rankScores(image, await embedTexts(distinct), distinct, logitScale);
  return best?.item ?? "";
}
