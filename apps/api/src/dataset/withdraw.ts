/**
 * Withdrawal by the contributor (DELETE /v1/contributions/:id): the pair becomes `withdrawn` and leaves the
 * export (a removal row when it had been served). When no other contribution or seed pair still holds the
 * image, the image is withdrawn too, with the pairs labelling tasks made of it, and its R2 bytes are deleted;
 * when another contribution holds it, the image carries that contributor's licence and consent from then on.
 * Every statement runs in one D1 batch, and the conditions are evaluated inside it, so a contribution of the
 * same image arriving at the same moment either keeps the image or comes after the withdrawal.
 */
import type { Env } from "../env";
import { ApiError } from "../errors";
import { deleteImageBytes } from "./image-bytes";
import { recordRemovals } from "./removals";

/** What DELETE /v1/contributions/:id answers. */
export interface WithdrawResult {
  pair_id: string;
  status: "withdrawn";
  image: { sha256: string; status: string };
}

const ACTIVE = "('pending', 'approved')";
/** SQL: a seed or contribution pair still holds the image whose id is the parameter `imageParam`. */
function supported(imageParam: string): string {
  return `EXISTS (SELECT 1 FROM pairs s WHERE s.image_id = ${imageParam}
                  AND s.origin IN ('seed', 'contribution') AND s.status IN ${ACTIVE})`;
}

function statements(db: D1Database, pairId: number, imageId: number, contributorId: string, now: number) {
  return [
    recordRemovals(db, "p.id = ?3", [pairId], "withdrawn", now),
    db.prepare("UPDATE pairs SET status = 'withdrawn', removed_at = ?2 WHERE id = ?1").bind(pairId, now),
    recordRemovals(db, `p.image_id = ?3 AND NOT ${supported("?3")}`, [imageId], "withdrawn", now),
    db
      .prepare(
        `UPDATE images SET status = 'withdrawn', removed_at = ?2
         WHERE id = ?1 AND status IN ${ACTIVE} AND NOT ${supported("?1")}`,
      )
      .bind(imageId, now),
    db
      .prepare(
        `UPDATE pairs SET status = 'withdrawn', removed_at = ?2
         WHERE image_id = ?1 AND status IN ${ACTIVE} AND (SELECT status FROM images WHERE id = ?1) = 'withdrawn'`,
      )
      .bind(imageId, now),
    db
      .prepare(
        `UPDATE images SET (contributor_id, licence, attribution, terms_version, consented_at) =
           (SELECT contributor_id, licence, attribution, terms_version, consented_at FROM pairs
            WHERE image_id = ?1 AND origin = 'contribution' AND status IN ${ACTIVE} ORDER BY id LIMIT 1)
         WHERE id = ?1 AND contributor_id = ?2 AND status IN ${ACTIVE}
           AND EXISTS (SELECT 1 FROM pairs WHERE image_id = ?1 AND origin = 'contribution'
                       AND status IN ${ACTIVE})`,
      )
      .bind(imageId, contributorId),
  ];
}

/** Withdraws pair `pairId` of `contributorId`; 404 `contribution_not_found` for anyone else's or unknown ids. */
export async function withdrawContribution(
  env: Env,
  contributorId: string,
  pairId: number,
): Promise<WithdrawResult> {
  const db = env.DB;
  const pair = await db
    .prepare(
      `SELECT p.status, p.image_id, i.sha256 FROM pairs p JOIN images i ON i.id = p.image_id
       WHERE p.id = ? AND p.origin = 'contribution' AND p.contributor_id = ?`,
    )
    .bind(pairId, contributorId)
    .first<{ status: string; image_id: number; sha256: string }>();
  if (!pair) {
    throw new ApiError(404, "contribution_not_found", `You have no contribution ${pairId}.`);
  }
  if (pair.status !== "withdrawn") {
    await db.batch(statements(db, pairId, pair.image_id, contributorId, Date.now()));
  }
  const image = await db
    .prepare("SELECT status, r2_key FROM images WHERE id = ?")
    .bind(pair.image_id)
    .first<{ status: string; r2_key: string }>();
  const status = image?.status ?? "withdrawn";
  // Also on a repeated withdrawal: the first one's delete may have failed.
  if (image && status === "withdrawn") await deleteImageBytes(env.BUCKET, [image.r2_key]);
  return { pair_id: String(pairId), status: "withdrawn", image: { sha256: pair.sha256, status } };
}
