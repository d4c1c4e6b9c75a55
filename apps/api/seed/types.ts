// Shapes shared by the seed builder, the export converter and the import batcher
// (docs/dataset-format.md sections 1-3).

/** One line of `.cache/seed.ndjson`: an image with its provenance, concept and ordered captions. */
export interface SeedItem {
  /** SHA-256 (lower-case hex) of the PNG bytes stored at `.cache/images/<sha256>.png`. */
  sha256: string;
  /** Package or icon set the image came from, e.g. `emoji-datasource-google`, `@iconify-json/fxemoji`. */
  source: string;
  /** SPDX licence identifier of the image, e.g. `Apache-2.0`, `CC-BY-4.0`. */
  licence: string;
  /** Attribution text suited to the licence's requirements (author, licence, link). */
  attribution: string;
  /** Style-independent key of what the image depicts: `emoji:<unified>` or `name:<words>`. */
  concept: string;
  /** Category path from the source, e.g. `Food & Drink/food-fruit`; empty when the source has none. */
  category: string;
  /** Raw captions; the first is the canonical name. */
  captions: string[];
}

/** A seed item together with its PNG bytes, as the import batcher needs it. */
export interface SeedItemWithImage extends SeedItem {
  png: Uint8Array;
}

/** One item of an admin import request body (section 2). */
export interface ImportItem {
  image_base64: string;
  source: string;
  licence: string;
  attribution: string;
  concept: string;
  category: string;
  captions: string[];
}

/** Body of `POST /v1/admin/import` (section 2). */
export interface ImportBatch {
  items: ImportItem[];
}

/** Image metadata carried by every pair row of a training export (section 3). */
export interface ExportImage {
  sha256: string;
  url: string;
  width: number;
  height: number;
  type: string;
  source: string;
  licence: string;
  attribution: string;
  concept: string;
  category: string;
}

/** A `pair` row of a training export (section 3). */
export interface ExportPairRow {
  type: "pair";
  pair_id: string;
  origin: string;
  image: ExportImage;
  caption: { id: string; text: string };
  negatives: { caption_id: string; text: string }[];
  positive_votes: number;
}

/** The closing `end` row of a training export page (section 3). */
export interface ExportEndRow {
  type: "end";
  snapshot: string;
  next_cursor: string | null;
}

/** Any row of a training export. */
export type ExportRow = ExportPairRow | ExportEndRow;
