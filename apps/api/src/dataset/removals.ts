/**
 * Removals: every pair that leaves the export after it was served (approved, on an approved image) gets a row
 * in `removals`, written in the same D1 batch as the status change, so a trainer holding an older export can
 * drop exactly those pairs (GET /v1/export/removals). The statement must run before the updates in its batch:
 * it selects the pairs that are still served.
 */

/** Why a pair left the export. */
export type RemovalReason = "withdrawn" | "rejected";

/**
 * `INSERT INTO removals` for the served pairs matching `where` (SQL over `p` pairs and `i` images, with
 * numbered parameters from ?3 on, bound from `params`).
 */
export function recordRemovals(
  db: D1Database,
  where: string,
  params: (string | number)[],
  reason: RemovalReason,
  now: number,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO removals (pair_id, image_sha256, caption_id, reason, removed_at)
       SELECT p.id, i.sha256, p.caption_id, ?1, ?2 FROM pairs p JOIN images i ON i.id = p.image_id
       WHERE p.status = 'approved' AND i.status = 'approved' AND (${where})
       ORDER BY p.id`,
    )
    .bind(reason, now, ...params);
}
