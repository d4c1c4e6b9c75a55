/**
 * D1 statements that add images, captions and pairs in bulk. Each statement takes one JSON array (json_each),
 * so a batch of 100 images with 10 captions each is still three statements, inside D1's statement limits,
 * and run in one `batch()` they commit together or not at all. Inserts never make a second row for the same
 * image (SHA-256), caption text or pair, which makes imports idempotent. With `revive`, a contribution of an
 * image or pair that was withdrawn brings that row back as pending, now the new contributor's.
 */
import type { ImageInfo } from "../images/inspect-image";
import type { ModerationStatus } from "./moderation-status";

/** Consent recorded with a contribution. */
export interface Consent {
  termsVersion: string;
  consentedAt: number;
}

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
  consent?: Consent;
}

/** A pair to insert, by image SHA-256 and normalised caption text. */
export interface NewPair {
  sha256: string;
  caption: string;
  origin: "seed" | "contribution" | "task";
  status: ModerationStatus;
  contributorId: string | null;
  consent?: Consent;
  licence?: string;
  attribution?: string;
}

/** Options for {@link ingestStatements}. */
export interface IngestOptions {
  /** Bring withdrawn images and pairs back (contributions). Default false: they stay as they are. */
  revive?: boolean;
}

const REVIVE_IMAGE = `DO UPDATE SET status = 'pending', source = excluded.source, licence = excluded.licence,
  attribution = excluded.attribution, contributor_id = excluded.contributor_id,
  terms_version = excluded.terms_version, consented_at = excluded.consented_at, moderation_reason = NULL,
  moderated_at = NULL, removed_at = NULL
  WHERE images.status = 'withdrawn'`;
const REVIVE_PAIR = `DO UPDATE SET status = 'pending', origin = excluded.origin,
  contributor_id = excluded.contributor_id, terms_version = excluded.terms_version,
  consented_at = excluded.consented_at, licence = excluded.licence, attribution = excluded.attribution,
  created_at = excluded.created_at, moderated_at = NULL, removed_at = NULL
  WHERE pairs.status = 'withdrawn'`;

function imageRow(image: NewImage) {
  return {
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
    terms_version: image.consent?.termsVersion ?? null,
    consented_at: image.consent?.consentedAt ?? null,
  };
}

function pairRow(pair: NewPair) {
  return {
    sha256: pair.sha256,
    caption: pair.caption,
    origin: pair.origin,
    status: pair.status,
    contributor_id: pair.contributorId,
    terms_version: pair.consent?.termsVersion ?? null,
    consented_at: pair.consent?.consentedAt ?? null,
    licence: pair.licence ?? null,
    attribution: pair.attribution ?? null,
  };
}

/** `INSERT ... RETURNING` statements: each result's row count is the number of rows inserted (or revived). */
export function ingestStatements(
  db: D1Database,
  images: NewImage[],
  pairs: NewPair[],
  now: number,
  options: IngestOptions = {},
) {
  const pairRows = pairs.map(pairRow);
  return [
    db
      .prepare(
        `INSERT INTO images (sha256, r2_key, bytes, width, height, type, source, licence, attribution, concept,
           category, contributor_id, status, terms_version, consented_at, created_at)
         SELECT value->>'sha256', value->>'r2_key', value->>'bytes', value->>'width', value->>'height',
           value->>'type', value->>'source', value->>'licence', value->>'attribution', value->>'concept',
           value->>'category', value->>'contributor_id', value->>'status', value->>'terms_version',
           value->>'consented_at', ?2
         FROM json_each(?1) WHERE true
         ON CONFLICT (sha256) ${options.revive ? REVIVE_IMAGE : "DO NOTHING"} RETURNING id`,
      )
      .bind(JSON.stringify(images.map(imageRow)), now),
    db
      .prepare(
        `INSERT INTO captions (text, created_at)
         SELECT DISTINCT value->>'caption', ?2 FROM json_each(?1) WHERE true
         ON CONFLICT (text) DO NOTHING RETURNING id`,
      )
      .bind(JSON.stringify(pairRows), now),
    db
      .prepare(
        `INSERT INTO pairs (image_id, caption_id, origin, status, contributor_id, terms_version, consented_at,
           licence, attribution, created_at)
         SELECT i.id, c.id, e.value->>'origin', e.value->>'status', e.value->>'contributor_id',
           e.value->>'terms_version', e.value->>'consented_at', e.value->>'licence', e.value->>'attribution', ?2
         FROM json_each(?1) AS e
         JOIN images i ON i.sha256 = e.value->>'sha256'
         JOIN captions c ON c.text = e.value->>'caption'
         WHERE true
         ON CONFLICT (image_id, caption_id) ${options.revive ? REVIVE_PAIR : "DO NOTHING"} RETURNING id`,
      )
      .bind(JSON.stringify(pairRows), now),
  ];
}
