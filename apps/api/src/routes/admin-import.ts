/**
 * Seed import (admin): POST /v1/admin/import takes one batch of docs/dataset-format.md section 2. Images land
 * approved, captions as approved pairs of origin `seed`. Bytes go to R2 first (content-addressed, skipped when
 * D1 already has the image), then one D1 batch inserts everything or nothing. Re-sending a batch changes
 * nothing: the same SHA-256 and caption text never make a second row.
 */
import { Hono } from "hono";
import { putImageBytes, imageKey } from "../dataset/image-bytes";
import { checkImportItems, importBatchBody, type CheckedImportItem } from "../dataset/import-batch";
import { ingestStatements, type NewImage, type NewPair } from "../dataset/ingest";
import type { AppBindings } from "../env";
import { adminAuth } from "../middleware/admin-auth";
import { bodyGuard } from "../middleware/body-guard";
import { validate } from "../middleware/validate";

/** Largest import body: 100 base64 images of typical seed size with captions fit many times over. */
const MAX_IMPORT_BYTES = 8 * 1024 * 1024;
/** R2 uploads in flight at once. */
const UPLOAD_CONCURRENCY = 6;

async function uploadMissing(bucket: R2Bucket, db: D1Database, items: CheckedImportItem[]) {
  const { results } = await db
    .prepare("SELECT sha256 FROM images WHERE sha256 IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(items.map((item) => item.sha256)))
    .all<{ sha256: string }>();
  const known = new Set(results.map((row) => row.sha256));
  const queue = items.filter((item) => !known.has(item.sha256));
  const workers = Array.from({ length: UPLOAD_CONCURRENCY }, async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      await putImageBytes(bucket, item.sha256, item.bytes, item.info.type);
    }
  });
  await Promise.all(workers);
  return known.size;
}

/** Sub-app mounted at /v1/admin/import. */
export const adminImport = new Hono<AppBindings>().post(
  "/",
  adminAuth(),
  bodyGuard({ maxBytes: MAX_IMPORT_BYTES }),
  validate("json", importBatchBody),
  async (c) => {
    const checked = await checkImportItems(c.req.valid("json").items);
    // The first item with a given SHA-256 supplies its metadata; captions of repeats are merged.
    const bySha = new Map<string, CheckedImportItem>();
    for (const item of checked) {
      const first = bySha.get(item.sha256);
      if (first) first.captions = [...new Set([...first.captions, ...item.captions])];
      else bySha.set(item.sha256, { ...item });
    }
    const unique = [...bySha.values()];
    await uploadMissing(c.env.BUCKET, c.env.DB, unique);
    const images: NewImage[] = unique.map((item) => ({
      sha256: item.sha256,
      r2Key: imageKey(item.sha256),
      info: item.info,
      source: item.source,
      licence: item.licence,
      attribution: item.attribution,
      concept: item.concept,
      category: item.category,
      contributorId: null,
      status: "approved",
    }));
    const pairs: NewPair[] = unique.flatMap((item) =>
      item.captions.map((caption) => ({
        sha256: item.sha256,
        caption,
        origin: "seed" as const,
        status: "approved" as const,
        contributorId: null,
      })),
    );
    const [imageRows, captionRows, pairRows] = await c.env.DB.batch(
      ingestStatements(c.env.DB, images, pairs, Date.now()),
    );
    const inserted = {
      images: imageRows?.results.length ?? 0,
      captions: captionRows?.results.length ?? 0,
      pairs: pairRows?.results.length ?? 0,
    };
    return c.json({
      items: checked.length,
      metadata_stripped: checked.filter((item) => item.stripped).length,
      images: { inserted: inserted.images, existing: unique.length - inserted.images },
      captions: { inserted: inserted.captions },
      pairs: { inserted: inserted.pairs, existing: pairs.length - inserted.pairs },
    });
  },
);
