/**
 * Export rows in the trainer's format (docs/dataset-format.md section 3): approved pairs in pair id order
 * (keyset pagination, no OFFSET), read from D1 in chunks and streamed as NDJSON, ending with an `end` row that
 * carries the snapshot, the next cursor (null on the last page), the point from which to follow removals and
 * the negative rule in force.
 */
import { isoTime } from "./contribution-response";
import { explicitNegatives, type NegativeCaption } from "./explicit-negatives";
import { exportCursor, removalsSince, snapshotId, type ExportSnapshot } from "./export-snapshot";
import { IMAGE_COLUMNS, imageUrl, type ImageRow } from "./image-view";
import type { ConsentView } from "./moderation-queue";
import { negativeRuleView, type NegativeRule, type NegativeRuleView } from "./negative-rule";

/** Rows read from D1 per query while streaming one page. */
const CHUNK_ROWS = 1000;

/** A `pair` line. */
export interface ExportPairRow {
  type: "pair";
  pair_id: string;
  origin: string;
  image: Omit<ImageRow, "bytes" | "status" | "created_at"> & { url: string; consent: ConsentView | null };
  caption: { id: string; text: string };
  negatives: NegativeCaption[];
  /** Distinct contributors who judged this caption to fit this image, and not to. */
  positive_votes: number;
  negative_votes: number;
  /** Consent recorded with the contribution that made this pair; null for seed and task pairs. */
  consent: ConsentView | null;
}

/** The closing line of a page. */
export interface ExportEndRow {
  type: "end";
  snapshot: string;
  next_cursor: string | null;
  /** Pass to GET /v1/export/removals: removals after this snapshot. */
  removals_since: string;
  negative_rule: NegativeRuleView;
}

type PairSelect = ImageRow & {
  pair_id: number;
  origin: string;
  image_id: number;
  caption_id: number;
  caption_text: string;
  positive_votes: number;
  negative_votes: number;
  image_terms: string | null;
  image_consented: string | null;
  pair_terms: string | null;
  pair_consented: string | null;
};

const VOTES = (verdict: string) =>
  `(SELECT count(DISTINCT j.contributor_id) FROM judgments j WHERE j.image_id = p.image_id
      AND j.caption_id = p.caption_id AND j.verdict = '${verdict}' AND j.id <= ?3)`;

async function readChunk(db: D1Database, snapshot: ExportSnapshot, after: number, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT p.id AS pair_id, p.origin, i.id AS image_id, ${IMAGE_COLUMNS}, c.id AS caption_id,
         c.text AS caption_text, ${VOTES("positive")} AS positive_votes, ${VOTES("negative")} AS negative_votes,
         i.terms_version AS image_terms, ${isoTime("i.consented_at")} AS image_consented,
         p.terms_version AS pair_terms, ${isoTime("p.consented_at")} AS pair_consented
       FROM pairs p JOIN images i ON i.id = p.image_id JOIN captions c ON c.id = p.caption_id
       WHERE p.id > ?1 AND p.id <= ?2 AND p.status = 'approved' AND i.status = 'approved'
       ORDER BY p.id LIMIT ?4`,
    )
    .bind(after, snapshot.pairs, snapshot.judgments, limit)
    .all<PairSelect>();
  return results;
}

function consent(terms: string | null, at: string | null): ConsentView | null {
  return terms && at ? { terms_version: terms, consented_at: at } : null;
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
      consent: consent(row.image_terms, row.image_consented),
    },
    caption: { id: String(row.caption_id), text: row.caption_text },
    negatives,
    positive_votes: row.positive_votes,
    negative_votes: row.negative_votes,
    consent: consent(row.pair_terms, row.pair_consented),
  };
}

/** What one export page reads: the pinned snapshot, where to resume, how many pairs, and the rule. */
export interface ExportPage {
  snapshot: ExportSnapshot;
  after: number;
  limit: number;
  rule: NegativeRule;
}

/** Yields the lines of one page of at most `limit` pairs after pair id `after`, then the end line. */
export async function* exportLines(
  db: D1Database,
  page: ExportPage,
): AsyncGenerator<ExportPairRow | ExportEndRow> {
  const { snapshot, limit, rule } = page;
  let last = page.after;
  let sent = 0;
  let exhausted = false;
  while (sent < limit && !exhausted) {
    const want = Math.min(CHUNK_ROWS, limit - sent);
    const rows = await readChunk(db, snapshot, last, want);
    exhausted = rows.length < want;
    const negatives = await explicitNegatives(
      db,
      rows.map((row) => row.image_id),
      { rule, maxJudgmentId: snapshot.judgments },
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
    removals_since: removalsSince(snapshot.removals),
    negative_rule: negativeRuleView(rule),
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
