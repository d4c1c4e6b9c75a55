/**
 * Stores a checked contribution: refuses an image moderation rejected, puts the bytes in R2 (content-addressed,
 * so harmless if D1 then fails), then writes image, caption, pair and the idempotency key with its response in
 * one D1 batch. The image lands (or stays) pending; an image seen before is reused and only gains the new pair.
 */
import { ApiError } from "../errors";
import type { ImageInfo } from "../images/inspect-image";
import type { ContributionForm } from "./contribution-form";
import { recordContributionKey, type ContributionResponse } from "./contribution-response";
import { putImageBytes } from "./image-bytes";
import { ingestStatements } from "./ingest";

/** A contribution that passed every check. */
export interface CheckedContribution {
  contributorId: string;
  key: string;
  requestHash: string;
  sha256: string;
  info: ImageInfo;
  form: ContributionForm;
}

/** What was stored: the answer and its status (201 new pair, 200 the image already had that caption). */
export interface StoredContribution {
  status: 200 | 201;
  body: ContributionResponse;
}

/** Writes the contribution; a concurrent use of the same key surfaces as a UNIQUE violation on idempotency_keys. */
export async function storeContribution(
  db: D1Database,
  bucket: R2Bucket,
  contribution: CheckedContribution,
): Promise<StoredContribution> {
  const { contributorId, key, requestHash, sha256, info, form } = contribution;
  const existing = await db
    .prepare(
      `SELECT i.status, (SELECT p.id FROM pairs p JOIN captions c ON c.id = p.caption_id
                         WHERE p.image_id = i.id AND c.text = ?2) AS pair_id
       FROM images i WHERE i.sha256 = ?1`,
    )
    .bind(sha256, form.caption)
    .first<{ status: string; pair_id: number | null }>();
  if (existing?.status === "rejected") {
    throw new ApiError(
      422,
      "image_rejected",
      "This image was rejected by moderation and cannot be contributed.",
    );
  }
  const now = Date.now();
  const r2Key = await putImageBytes(bucket, sha256, form.image.data, info.type);
  const status = existing?.pair_id ? 200 : 201;
  const image = {
    sha256,
    r2Key,
    info,
    source: "contribution",
    licence: form.licence,
    attribution: form.attribution,
    concept: null,
    category: null,
    contributorId,
    status: "pending" as const,
  };
  const pair = {
    sha256,
    caption: form.caption,
    origin: "contribution" as const,
    status: "pending" as const,
    contributorId,
  };
  const results = await db.batch<{ status_code: number; response: string }>([
    ...ingestStatements(db, [image], [pair], now),
    recordContributionKey(db, {
      contributorId,
      key,
      requestHash,
      status,
      sha256,
      caption: form.caption,
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
