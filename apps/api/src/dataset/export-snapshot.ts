/**
 * Export snapshots and cursors. A snapshot pins the dataset as it was on the first page: the largest pair id
 * and judgment id then (both AUTOINCREMENT, so never reused); later pages only read rows at or below them. The
 * cursor carries the snapshot and the last pair id sent. Moderation still applies on later pages: a pair
 * rejected after the snapshot disappears, which is what a takedown needs.
 */
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../pagination/cursor";

/** The pinned upper bounds. */
export interface ExportSnapshot {
  pairs: number;
  judgments: number;
}

const snapshotShape = z.object({ p: z.number().int().nonnegative(), j: z.number().int().nonnegative() });
const cursorShape = z.object({ s: snapshotShape, a: z.number().int().nonnegative() });

/** Opaque id of a snapshot. */
export function snapshotId(snapshot: ExportSnapshot): string {
  return encodeCursor({ p: snapshot.pairs, j: snapshot.judgments });
}

/** Cursor resuming after pair `after` within `snapshot`. */
export function exportCursor(snapshot: ExportSnapshot, after: number): string {
  return encodeCursor({ s: { p: snapshot.pairs, j: snapshot.judgments }, a: after });
}

/** Reads a cursor back; throws 400 `invalid_cursor` when it is not one we issued. */
export function readExportCursor(cursor: string): { snapshot: ExportSnapshot; after: number } {
  const value = decodeCursor(cursor, cursorShape);
  return { snapshot: { pairs: value.s.p, judgments: value.s.j }, after: value.a };
}

/** Pins a new snapshot at the current largest ids. */
export async function takeSnapshot(db: D1Database): Promise<ExportSnapshot> {
  const row = await db
    .prepare(
      `SELECT (SELECT coalesce(max(id), 0) FROM pairs) AS pairs,
              (SELECT coalesce(max(id), 0) FROM judgments) AS judgments`,
    )
    .first<ExportSnapshot>();
  return row ?? { pairs: 0, judgments: 0 };
}
