// `npm run seed:export`: seed.ndjson -> the training export format (docs/dataset-format.md section 3) in
// .cache/export.ndjson, one `pair` row per (image, caption) and a closing `end` row. The trainer reads
// this file while the API is being built.
import { closeSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SeedFileError } from "./errors";
import { sha256Hex } from "./image-store";
import { SEED_IMAGE_SIZE } from "./png";
import { parseSeedItems } from "./seed-file";
import type { ExportEndRow, ExportPairRow, ExportRow, SeedItem } from "./types";

/** Options of {@link exportRows}. */
export interface ExportOptions {
  /** Snapshot id written in the `end` row; see {@link snapshotOf}. */
  snapshot: string;
}

/** Deterministic caption id: the same text has the same id on every image. */
export function captionId(text: string): string {
  return `cap_${sha256Hex(`caption\n${text}`).slice(0, 32)}`;
}

/** Deterministic pair id from the image hash and the caption text. */
export function pairId(sha256: string, text: string): string {
  return `pair_${sha256Hex(`pair\n${sha256}\n${text}`).slice(0, 32)}`;
}

/** Snapshot id of a seed file's exact bytes: `seed-<16 hex>`. */
export function snapshotOf(seedText: string): string {
  return `seed-${sha256Hex(seedText).slice(0, 16)}`;
}

/** The export's `image` object of a seed item, with `url` pointing at the API's image route. */
function exportImage(item: SeedItem): ExportPairRow["image"] {
  const { sha256, source, licence, attribution, concept, category } = item;
  const size = SEED_IMAGE_SIZE;
  const url = `/v1/images/${sha256}`;
  return {
    sha256,
    url,
    width: size,
    height: size,
    type: "image/png",
    source,
    licence,
    attribution,
    concept,
    category,
  };
}

/** Export rows of seed items in seed order, captions in their order (the first is canonical), then `end`. */
export function* exportRows(items: Iterable<SeedItem>, options: ExportOptions): Generator<ExportRow> {
  for (const item of items) {
    const image = exportImage(item);
    for (const text of item.captions) {
      yield {
        type: "pair",
        pair_id: pairId(item.sha256, text),
        origin: "seed",
        image,
        caption: { id: captionId(text), text },
        negatives: [],
        positive_votes: 0,
      };
    }
  }
  const end: ExportEndRow = { type: "end", snapshot: options.snapshot, next_cursor: null };
  yield end;
}

/** Seed items back from export rows: pair rows grouped by image in first-seen order, captions in order. */
export function seedItemsFromExport(rows: Iterable<ExportRow>): SeedItem[] {
  const items = new Map<string, SeedItem>();
  for (const row of rows) {
    if (row.type !== "pair") continue;
    const { sha256, source, licence, attribution, concept, category } = row.image;
    const item = items.get(sha256) ?? {
      sha256,
      source,
      licence,
      attribution,
      concept,
      category,
      captions: [],
    };
    if (!item.captions.includes(row.caption.text)) item.captions.push(row.caption.text);
    items.set(sha256, item);
  }
  return [...items.values()];
}

/** Parses export NDJSON text; each line must be a `pair` or `end` row. */
export function parseExport(text: string): ExportRow[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      const row = JSON.parse(line) as { type?: unknown };
      if (row.type !== "pair" && row.type !== "end") {
        throw new SeedFileError(
          `export line ${i + 1} has type ${JSON.stringify(row.type)}; expected "pair" or "end"`,
        );
      }
      return row as ExportRow;
    });
}

/** Writes rows as NDJSON through a temporary file, in chunks, so a large export never sits in one string. */
function writeRows(path: string, rows: Iterable<ExportRow>): number {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  let count = 0;
  let chunk: string[] = [];
  try {
    for (const row of rows) {
      chunk.push(`${JSON.stringify(row)}\n`);
      count++;
      if (chunk.length >= 2000) {
        writeSync(fd, chunk.join(""));
        chunk = [];
      }
    }
    writeSync(fd, chunk.join(""));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return count;
}

/** CLI entry (`node seed/run.mjs seed/to-export.ts`). */
export function main(context: { seedDir: string }): void {
  const cacheDir = join(context.seedDir, ".cache");
  const seedPath = join(cacheDir, "seed.ndjson");
  let seedText: string;
  try {
    seedText = readFileSync(seedPath, "utf8");
  } catch (cause) {
    throw new SeedFileError(`cannot read ${seedPath}; run npm run seed:build -w apps/api first`, { cause });
  }
  const items = parseSeedItems(seedText, seedPath);
  const snapshot = snapshotOf(seedText);
  const outPath = join(cacheDir, "export.ndjson");
  const rows = writeRows(outPath, exportRows(items, { snapshot }));
  console.log(`wrote ${outPath}: ${rows - 1} pairs of ${items.length} images, snapshot ${snapshot}`);
}
