/**
 * Export rows in the trainer's format (docs/dataset-format.md section 3): approved pairs in pair id order
 * (keyset pagination, no OFFSET), read from D1 in chunks and streamed as NDJSON, ending with an `end` row that
 * carries the snapshot and the next cursor (null on the last page).
 */
import { explicitNegatives, type NegativeCaption } from "./explicit-negatives";
import { exportCursor, snapshotId, type ExportSnapshot } from "./export-snapshot";
import { IMAGE_COLUMNS, imageUrl, type ImageRow } from "./image-view";

/** Rows read from D1 per query while streaming one page. */
const CHUNK_ROWS = 1000;

/** A `pair` line. */
export interface ExportPairRow {
  type: "pair";
  pair_id: string;
  origin: string;
  image: Omit<ImageRow, "bytes" | "status" | "created_at"> & { url: string };
  caption: { id: string; text: string };
  negatives: NegativeCaption[];
  positive_votes: number;
}

/** The closing line of a page. */
export interface ExportEndRow {
  type: "end";
  snapshot: string;
  next_cursor: string | null;
}

type PairSelect = ImageRow & {
  pair_id: number;
  origin: string;
  image_id: number;
  caption_id: number;
  caption_text: string;
  positive_votes: number;
};

async function readChunk(db: D1Database, snapshot: ExportSnapshot, after: number, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT p.id AS pair_id, p.origin, i.id AS image_id, ${IMAGE_COLUMNS}, c.id AS caption_id,
         c.text AS caption_text,
         (SELECT count(*) FROM judgments j WHERE j.image_id = p.image_id AND j.caption_id = p.caption_id
            AND j.verdict = 'positive' AND j.id <= ?3) AS positive_votes
       FROM pairs p JOIN images i ON i.id = p.image_id JOIN captions c ON c.id = p.caption_id
       WHERE p.id > ?1 AND p.id <= ?2 AND p.status = 'approved' AND i.status = 'approved'
       ORDER BY p.id LIMIT ?4`,
    )
    .bind(after, snapshot.pairs, snapshot.judgments, limit)
    .all<PairSelect>();
  return results;
}

function pairRow(row: PairSelect, negatives: NegativeCaption[]): ExportPairRow {
  return {
    type: "pair",
    pair_id: String(row.pair_id),
    origin: row.origin,
    image: {
      sha256: row.sha256,
      url: imageUrl(row.sha256),
      width: row.width,
      height: row.height,
      type: row.type,
      source: row.source,
      licence: row.licence,
      attribution: row.attribution,
      concept: row.concept,
      category: row.category,
    },
    caption: { id: String(row.caption_id), text: row.caption_text },
    negatives,
    positive_votes: row.positive_votes,
  };
}

/** Yields the lines of one page of at most `limit` pairs after pair id `after`, then the end line. */
export async function* exportLines(
  db: D1Database,
  snapshot: ExportSnapshot,
  after: number,
  limit: number,
): AsyncGenerator<ExportPairRow | ExportEndRow> {
  let last = after;
  let sent = 0;
  let exhausted = false;
  while (sent < limit && !exhausted) {
    const want = Math.min(CHUNK_ROWS, limit - sent);
    const rows = await readChunk(db, snapshot, last, want);
    exhausted = rows.length < want;
    const negatives = await explicitNegatives(
      db,
      rows.map((row) => row.image_id),
      { maxJudgmentId: snapshot.judgments },
    );
    for (const row of rows) yield pairRow(row, negatives.get(row.image_id) ?? []);
    sent += rows.length;
    last = rows[rows.length - 1]?.pair_id ?? last;
  }
  // A full page may have been the last one: look one row ahead so the final page says next_cursor null.
  if (!exhausted) exhausted = (await readChunk(db, snapshot, last, 1)).length === 0;
  yield {
    type: "end",
    snapshot: snapshotId(snapshot),
    next_cursor: exhausted ? null : exportCursor(snapshot, last),
  };
}

/** Streams `lines` as NDJSON bytes. */
export function ndjsonStream(lines: AsyncGenerator<unknown>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
}
