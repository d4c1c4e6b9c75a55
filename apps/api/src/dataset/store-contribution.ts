/**
 * Stores a checked contribution: refuses an image moderation rejected, puts the (stripped) bytes in R2
 * (content-addressed, so harmless if D1 then fails), then writes image, caption, pair, consent and the
 * idempotency key with its response in one D1 batch. The image lands (or stays) pending; an image seen before
 * is reused and only gains the new pair; a withdrawn image or pair comes back as this contributor's.
 */
import { ApiError } from "../errors";
import type { PreparedImage } from "../images/prepare-image";
import type { ContributionForm } from "./contribution-form";
import { recordContributionKey, type ContributionResponse } from "./contribution-response";
import { imageKey, putImageBytes } from "./image-bytes";
import { ingestStatements } from "./ingest";

/** A contribution that passed every check. */
export interface CheckedContribution {
  contributorId: string;
  key: string;
  requestHash: string;
  image: PreparedImage;
  form: ContributionForm;
}

/** What was stored: the answer and its status (201 new pair, 200 the image already had that caption). */
export interface StoredContribution {
  status: 200 | 201;
  body: ContributionResponse;
}

async function existingRows(db: D1Database, sha256: string, caption: string) {
  return db
    .prepare(
      `SELECT i.status, (SELECT p.status FROM pairs p JOIN captions c ON c.id = p.caption_id
                         WHERE p.image_id = i.id AND c.text = ?2) AS pair_status
       FROM images i WHERE i.sha256 = ?1`,
    )
    .bind(sha256, caption)
    .first<{ status: string; pair_status: string | null }>();
}

/** Writes the contribution; a concurrent use of the same key surfaces as a UNIQUE violation on idempotency_keys. */
export async function storeContribution(
  db: D1Database,
  bucket: R2Bucket,
  contribution: CheckedContribution,
): Promise<StoredContribution> {
  const { contributorId, key, requestHash, image, form } = contribution;
  const { sha256 } = image;
  const existing = await existingRows(db, sha256, form.caption);
  if (existing?.status === "rejected") {
    throw new ApiError(
      422,
      "image_rejected",
      "This image was rejected by moderation and cannot be contributed.",
    );
  }
  const now = Date.now();
  await putImageBytes(bucket, sha256, image.bytes, image.info.type);
  const status = existing?.pair_status && existing.pair_status !== "withdrawn" ? 200 : 201;
  const consent = { termsVersion: form.termsVersion, consentedAt: now };
  const newImage = {
    sha256,
    r2Key: imageKey(sha256),
    info: image.info,
    source: "contribution",
    licence: form.licence,
    attribution: form.attribution,
    concept: null,
    category: null,
    contributorId,
    status: "pending" as const,
    consent,
  };
  const pair = {
    sha256,
    caption: form.caption,
    origin: "contribution" as const,
    status: "pending" as const,
    contributorId,
    consent,
    licence: form.licence,
    attribution: form.attribution,
  };
  const results = await db.batch<{ status_code: number; response: string }>([
    ...ingestStatements(db, [newImage], [pair], now, { revive: true }),
    recordContributionKey(db, {
      contributorId,
      key,
      requestHash,
      status,
      sha256,
      caption: form.caption,
      removed: image.removed,
      now,
    }),
  ]);
  const row = results[results.length - 1]?.results[0];
  if (!row) throw new Error(`contribution ${sha256} wrote no response row`);
  return {
    status: row.status_code === 200 ? 200 : 201,
    body: JSON.parse(row.response) as ContributionResponse,
  };
}
