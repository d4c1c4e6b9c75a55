// The caption Explore gives a picture the person dropped or picked, and Generate its best image: the model's own
// best caption (best of 8 by CLIP, in the worker) competes with the first captions of the picture's nearest
// images in the dataset index, and whichever CLIP puts closest to the picture wins. Retrieval gives real,
// human-written words where the small generator's own are garbled; the page says which of the two it shows. training/evaluate.py
// `neighbour_captions` measures the same rule (caption_accuracy_neighbours).
import {
  DATASET_INDEX_NAME,
  type DatasetIndex,
  type GenerationMode,
  type ModelClient,
  type Ranked,
  type RgbaImage,
} from "@commonspace/model/client";

/** How many nearest indexed images lend their captions (eval.caption_neighbours in the trainer's configs). */
export const NEIGHBOUR_CAPTIONS = 4;

/** What the page shows. `own`: the model's own caption ("" when it found no words). */
export interface PictureCaption {
  readonly text: string;
  readonly source: "model" | "dataset";
  readonly own: string;
  /** Why no dataset caption could compete (e.g. the version has no index, or the API is out of reach). */
  readonly indexError?: string;
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

/** The captions of a picture's nearest indexed images, best first. */
export type NeighbourCaptions = (image: RgbaImage) => Promise<string[]>;

/**
 * Neighbour captions from the dataset index of the device's model version, opened in the worker on first use
 * (Generate; Explore opens it when the page does) and again when the version changes. A failed opening is tried
 * again on the next call.
 */
export function datasetNeighbours(
  client: Pick<ModelClient, "openDatasetIndex" | "search">,
  version: () => string | undefined,
): NeighbourCaptions {
  let opened: { version: string | undefined; index: Promise<DatasetIndex> } | undefined;
  return async (image) => {
    const current = version();
    if (!opened || opened.version !== current) {
      opened = { version: current, index: client.openDatasetIndex().then((o) => o.index) };
    }
    const attempt = opened;
    let index: DatasetIndex;
    try {
      index = await attempt.index;
    } catch (error) {
      if (opened === attempt) opened = undefined;
      throw error;
    }
    const near = await client.search<number>(DATASET_INDEX_NAME, image, NEIGHBOUR_CAPTIONS);
    return near.map((hit) => index.images.caption[hit.key] ?? "");
  };
}

/**
 * The whole rule for one picture: the model's own caption in `mode` (best of 8), the neighbours' captions, and
 * CLIP's choice among them. Without neighbours (`neighbours` throws) the model's own caption stands, and
 * `indexError` says why.
 */
export async function captionPicture(
  client: Pick<ModelClient, "caption" | "rank">,
  image: RgbaImage,
  mode: GenerationMode | undefined,
  neighbours: NeighbourCaptions,
): Promise<PictureCaption> {
  const own = await client.caption(image, { ...(mode && { mode }), candidates: 8 });
  let words: string[] = [];
  let indexError: string | undefined;
  try {
    words = await neighbours(image);
  } catch (error) {
    indexError = error instanceof Error ? error.message : String(error);
  }
  const result = await pictureCaption(own, words, (c) => client.rank(image, c));
  return indexError === undefined ? result : { ...result, indexError };
}
