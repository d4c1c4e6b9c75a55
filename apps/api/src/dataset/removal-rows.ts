/**
 * The removals feed (GET /v1/export/removals?since=): pairs that left the export, in removal order, as
 * NDJSON `removal` lines and an `end` line with the `since` token for the next call and whether more are
 * waiting now. A trainer stores the token and asks again before its next training run.
 */
import { isoTime } from "./contribution-response";
import { removalsSince } from "./export-snapshot";
import type { RemovalReason } from "./removals";

/** A `removal` line. */
export interface RemovalRow {
  type: "removal";
  removal_id: string;
  pair_id: string;
  image_sha256: string;
  caption_id: string;
  reason: RemovalReason;
  removed_at: string;
}

/** The closing line. */
export interface RemovalEndRow {
  type: "end";
  since: string;
  more: boolean;
}

/** The lines of one page of at most `limit` removals after removal id `after`. */
export async function removalLines(
  db: D1Database,
  after: number,
  limit: number,
): Promise<(RemovalRow | RemovalEndRow)[]> {
  const { results } = await db
    .prepare(
      `SELECT id, pair_id, image_sha256, caption_id, reason, ${isoTime("removed_at")} AS removed_at
       FROM removals WHERE id > ? ORDER BY id LIMIT ?`,
    )
    .bind(after, limit + 1)
    .all<{
      id: number;
      pair_id: number;
      image_sha256: string;
      caption_id: number;
      reason: RemovalReason;
      removed_at: string;
    }>();
  const page = results.slice(0, limit);
  const lines: (RemovalRow | RemovalEndRow)[] = page.map((row) => ({
    type: "removal",
    removal_id: String(row.id),
    pair_id: String(row.pair_id),
    image_sha256: row.image_sha256,
    caption_id: String(row.caption_id),
    reason: row.reason,
    removed_at: row.removed_at,
  }));
  lines.push({
    type: "end",
    since: removalsSince(page[page.length - 1]?.id ?? after),
    more: results.length > limit,
  });
  return lines;
}
