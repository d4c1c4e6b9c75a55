// Admin import request bodies (docs/dataset-format.md section 2) from seed items and their PNG bytes.
import { SeedOptionError } from "./errors";
import type { ImportBatch, ImportItem, SeedItemWithImage } from "./types";

/** Most items the admin import route accepts per request. */
export const MAX_IMPORT_BATCH_SIZE = 100;

/** Options of {@link toImportBatches}. */
export interface ImportBatchOptions {
  /** Items per request body, 1-100. Default 100. */
  batchSize?: number;
}

/** One import item: the seed item's fields with the PNG as base64 in place of its hash. */
export function toImportItem(item: SeedItemWithImage): ImportItem {
  const { png, source, licence, attribution, concept, category, captions } = item;
  const image_base64 = Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString("base64");
  return { image_base64, source, licence, attribution, concept, category, captions: [...captions] };
}

/**
 * Request bodies of at most `batchSize` items, in item order. Lazy: pass a generator that reads PNGs on
 * demand and only one batch of images is in memory at a time.
 */
export function* toImportBatches(
  items: Iterable<SeedItemWithImage>,
  options: ImportBatchOptions = {},
): Generator<ImportBatch> {
  const size = options.batchSize ?? MAX_IMPORT_BATCH_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_IMPORT_BATCH_SIZE) {
    throw new SeedOptionError(
      `batchSize ${size} is not allowed; expected an integer from 1 to ${MAX_IMPORT_BATCH_SIZE} (the route's limit)`,
    );
  }
  let batch: ImportItem[] = [];
  for (const item of items) {
    batch.push(toImportItem(item));
    if (batch.length === size) {
      yield { items: batch };
      batch = [];
    }
  }
  if (batch.length > 0) yield { items: batch };
}
