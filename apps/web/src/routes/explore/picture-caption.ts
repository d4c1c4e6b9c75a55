// The caption Explore gives a picture the person dropped or picked: the model's own best caption (best of 8 by
// CLIP, in the worker) competes with the first captions of the picture's nearest images in the dataset index,
// and whichever CLIP puts closest to the picture wins. Retrieval gives real, human-written words where the small
// generator's own are garbled; the page says which of the two it shows. training/evaluate.py
// `neighbour_captions` measures the same rule (caption_accuracy_neighbours).
import type { Ranked } from "@commonspace/model/client";

/** How many nearest indexed images lend their captions (eval.caption_neighbours in the trainer's configs). */
export const NEIGHBOUR_CAPTIONS = 4;

/** What the page shows. `own`: the model's own caption ("" when it found no words). */
export interface PictureCaption {
  readonly text: string;
  readonly source: "model" | "dataset";
  readonly own: string;
}

/** The candidates in ranking order: the neighbours' captions, then the model's own; no empty or repeated one. */
export function captionCandidates(own: string, neighbourCaptions: readonly string[]): string[] {
  return [...new Set([...neighbourCaptions, own].map((t) => t.trim()).filter((t) => t.length > 0))];
}

/**
 * Picks the caption: `rank` scores the candidates against the picture (the worker's CLIP, best first). With no
 * neighbour caption, or only the model's own, the model's caption stands without ranking.
 */
export async function pictureCaption(
  own: string,
  neighbourCaptions: readonly string[],
  rank: (candidates: string[]) => Promise<readonly Ranked<string>[]>,
): Promise<PictureCaption> {
  const candidates = captionCandidates(own, neighbourCaptions);
  if (candidates.length === 0) return { text: "", source: "model", own };
  if (candidates.length === 1 && candidates[0] === own.trim())
    return { text: own.trim(), source: "model", own };
  const [best] = await rank(candidates);
  const text = best?.item ?? candidates[0]!;
  return { text, source: text === own.trim() ? "model" : "dataset", own };
}
