/**
 * Export snapshots and cursors. A snapshot pins the dataset as it was on the first page: the largest pair,
 * judgment and removal ids then (all AUTOINCREMENT, so never reused); later pages only read rows at or below
 * them. The cursor carries the snapshot and the last pair id sent. Moderation still applies on later pages: a
 * pair rejected or withdrawn after the snapshot disappears, which is what a takedown needs, and the removals
 * feed, read from the snapshot's removal id on, tells a trainer which pairs it already holds must go.
 */
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../pagination/cursor";

/** The pinned upper bounds. */
export interface ExportSnapshot {
  pairs: number;
  judgments: number;
  removals: number;
}

const snapshotShape = z.object({
  p: z.number().int().nonnegative(),
  j: z.number().int().nonnegative(),
  r: z.number().int().nonnegative().default(0),
});
const cursorShape = z.object({ s: snapshotShape, a: z.number().int().nonnegative() });
const removalsShape = z.object({ removals_after: z.number().int().nonnegative() });

function pinned(snapshot: ExportSnapshot) {
  return { p: snapshot.pairs, j: snapshot.judgments, r: snapshot.removals };
}

/** Opaque id of a snapshot. */
export function snapshotId(snapshot: ExportSnapshot): string {
  return encodeCursor(pinned(snapshot));
}

/** Cursor resuming after pair `after` within `snapshot`. */
export function exportCursor(snapshot: ExportSnapshot, after: number): string {
  return encodeCursor({ s: pinned(snapshot), a: after });
}

/** Reads a cursor back; throws 400 `invalid_cursor` when it is not one we issued. */
export function readExportCursor(cursor: string): { snapshot: ExportSnapshot; after: number } {
  const value = decodeCursor(cursor, cursorShape);
  return { snapshot: { pairs: value.s.p, judgments: value.s.j, removals: value.s.r }, after: value.a };
}

/** The `since` token of the removals feed: removals with a larger id are news. */
export function removalsSince(afterRemovalId: number): string {
  return encodeCursor({ removals_after: afterRemovalId });
}

/** Reads a `since` token back; throws 400 `invalid_cursor`. */
export function readRemovalsSince(since: string): number {
  return decodeCursor(since, removalsShape).removals_after;
}

/** Pins a new snapshot at the current largest ids. */
export async function takeSnapshot(db: D1Database): Promise<ExportSnapshot> {
  const row = await db
    .prepare(
      `SELECT (SELECT coalesce(max(id), 0) FROM pairs) AS pairs,
              (SELECT coalesce(max(id), 0) FROM judgments) AS judgments,
              (SELECT coalesce(max(id), 0) FROM removals) AS removals`,
    )
    .first<ExportSnapshot>();
  return row ?? { pairs: 0, judgments: 0, removals: 0 };
}
