// What every source hands the builder: one image (PNG file or SVG text) with its metadata and captions.

/** Where a candidate's pixels come from. */
export type CandidateImage =
  | { kind: "png"; /** Absolute path of a 64x64 PNG. */ path: string }
  | { kind: "svg"; /** SVG document text, rasterised to 64x64. */ svg: string };

/** An image a source proposes, before it is rasterised, hashed and de-duplicated. */
export interface SeedCandidate {
  /** Orders candidates within a source; unique per source. */
  sortKey: string;
  source: string;
  licence: string;
  attribution: string;
  concept: string;
  category: string;
  captions: string[];
  image: CandidateImage;
}

/** A source's candidates and why it left entries out (reason -> count). */
export interface SourceResult {
  source: string;
  candidates: SeedCandidate[];
  skipped: Record<string, number>;
}

/** Adds one to `skipped[reason]`. */
export function countSkip(skipped: Record<string, number>, reason: string): void {
  skipped[reason] = (skipped[reason] ?? 0) + 1;
}
