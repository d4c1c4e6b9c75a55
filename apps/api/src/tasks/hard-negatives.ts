/**
 * The seam where candidates for labelling tasks come from. A source proposes hard negatives for a known true
 * pair: captions that do not belong to its image, or images that do not belong to its caption, but look
 * plausible. Two sources exist: nearest neighbours in the CLIP image space of the stable version's dataset index
 * (index-hard-negatives.ts), whose `modelVersion` is recorded with every task and judgment it shaped, and the
 * lexical fallback (shared category or shared words, lexical-hard-negatives.ts; `modelVersion` null).
 */

/** The true pair a task is built around. */
export interface PromptPair {
  imageId: number;
  sha256: string;
  concept: string | null;
  category: string | null;
  captionId: number;
  captionText: string;
}

/** A proposer of hard negatives. Both methods return at most `count` distinct served ids, hardest first. */
export interface HardNegativeSource {
  /** Model version that proposed candidates, or null when no model was involved. */
  readonly modelVersion: string | null;
  /** Caption ids that are not pairs of the prompt's image (or of another image of its concept). */
  captionsFor(db: D1Database, prompt: PromptPair, count: number): Promise<number[]>;
  /** Image ids that are not pairs of the prompt's caption and not of the prompt image's concept. */
  imagesFor(db: D1Database, prompt: PromptPair, count: number): Promise<number[]>;
}
