/**
 * D1 statements that add images, captions and pairs in bulk. Each statement takes one JSON array (json_each),
 * so a batch of 100 images with 10 captions each is still three statements, inside D1's statement limits,
 * and run in one `batch()` they commit together or not at all. Every insert is `ON CONFLICT DO NOTHING`: the
 * same image (SHA-256) or caption text never yields a second row, which makes imports idempotent.
 */
import type { ImageInfo } from "../images/inspect-image";
import type { ModerationStatus } from "./moderation-status";

/** An image to insert. */
export interface NewImage {
  sha256: string;
  r2Key: string;
  info: ImageInfo;
  source: string;
  licence: string;
  attribution: string;
  concept: string | null;
  category: string | null;
  contributorId: string | null;
  status: ModerationStatus;
}

/** A pair to insert, by image SHA-256 and normalised caption text. */
export interface NewPair {
  sha256: string;
  caption: string;
  origin: "seed" | "contribution" | "task";
  status: ModerationStatus;
  contributorId: string | null;
}

/** `INSERT ... RETURNING` statements: each result's row count is the number of rows actually inserted. */
export function ingestStatements(db: D1Database, images: NewImage[], pairs: NewPair[], now: number) {
  const imageRows = images.map((image) => ({
    sha256: image.sha256,
    r2_key: image.r2Key,
    bytes: image.info.bytes,
    width: image.info.width,
    height: image.info.height,
    type: image.info.type,
    source: image.source,
    licence: image.licence,
    attribution: image.attribution,
    concept: image.concept,
    category: image.category,
    contributor_id: image.contributorId,
    status: image.status,
  }));
  const pairRows = pairs.map((pair) => ({
    sha256: pair.sha256,
    caption: pair.caption,
    origin: pair.origin,
    status: pair.status,
    contributor_id: pair.contributorId,
  }));
  return [
    db
      .prepare(
        `INSERT INTO images (sha256, r2_key, bytes, width, height, type, source, licence, attribution, concept,
           category, contributor_id, status, created_at)
         SELECT value->>'sha256', value->>'r2_key', value->>'bytes', value->>'width', value->>'height',
           value->>'type', value->>'source', value->>'licence', value->>'attribution', value->>'concept',
           value->>'category', value->>'contributor_id', value->>'status', ?2
         FROM json_each(?1) WHERE true
         ON CONFLICT (sha256) DO NOTHING RETURNING id`,
      )
      .bind(JSON.stringify(imageRows), now),
    db
      .prepare(
        `INSERT INTO captions (text, created_at)
         SELECT DISTINCT value->>'caption', ?2 FROM json_each(?1) WHERE true
         ON CONFLICT (text) DO NOTHING RETURNING id`,
      )
      .bind(JSON.stringify(pairRows), now),
    db
      .prepare(
        `INSERT INTO pairs (image_id, caption_id, origin, status, contributor_id, created_at)
         SELECT i.id, c.id, e.value->>'origin', e.value->>'status', e.value->>'contributor_id', ?2
         FROM json_each(?1) AS e
         JOIN images i ON i.sha256 = e.value->>'sha256'
         JOIN captions c ON c.text = e.value->>'caption'
         WHERE true
         ON CONFLICT (image_id, caption_id) DO NOTHING RETURNING id`,
      )
      .bind(JSON.stringify(pairRows), now),
  ];
}
