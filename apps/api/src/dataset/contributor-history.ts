/**
 * What a contributor can read about themselves with their token: their contributions with status, newest
 * first ("your contributions" on /contribute), and how often their task answers agree with other people's
 * (the running figure on /label).
 */
import { isoTime } from "./contribution-response";
import type { ConsentView } from "./moderation-queue";
import type { RecordStatus } from "./moderation-status";

/** One of the caller's contributions. */
export interface OwnContribution {
  pair_id: string;
  status: RecordStatus;
  created_at: string;
  image: { sha256: string; url: string; width: number; height: number; type: string; status: RecordStatus };
  caption: { id: string; text: string };
  licence: string | null;
  attribution: string | null;
  consent: ConsentView | null;
}

type Row = {
  pair_id: number;
  status: RecordStatus;
  created_at: number;
  sha256: string;
  width: number;
  height: number;
  type: string;
  image_status: RecordStatus;
  caption_id: number;
  text: string;
  licence: string | null;
  attribution: string | null;
  terms_version: string | null;
  consented: string | null;
};

/** A page of the caller's contributions with pair id below `before`, newest first. */
export async function ownContributions(
  db: D1Database,
  contributorId: string,
  options: { before: number; limit: number; status?: RecordStatus },
): Promise<{ items: OwnContribution[]; nextBefore: number | null }> {
  const { results } = await db
    .prepare(
      `SELECT p.id AS pair_id, p.status, p.created_at, i.sha256, i.width, i.height, i.type,
         i.status AS image_status, c.id AS caption_id, c.text, p.licence, p.attribution, p.terms_version,
         ${isoTime("p.consented_at")} AS consented
       FROM pairs p JOIN images i ON i.id = p.image_id JOIN captions c ON c.id = p.caption_id
       WHERE p.contributor_id = ?1 AND p.origin = 'contribution' AND p.id < ?2 AND (?3 IS NULL OR p.status = ?3)
       ORDER BY p.id DESC LIMIT ?4`,
    )
    .bind(contributorId, options.before, options.status ?? null, options.limit + 1)
    .all<Row>();
  const page = results.slice(0, options.limit);
  const items = page.map((row) => ({
    pair_id: String(row.pair_id),
    status: row.status,
    created_at: new Date(row.created_at).toISOString(),
    image: {
      sha256: row.sha256,
      url: `/v1/images/${row.sha256}`,
      width: row.width,
      height: row.height,
      type: row.type,
      status: row.image_status,
    },
    caption: { id: String(row.caption_id), text: row.text },
    licence: row.licence,
    attribution: row.attribution,
    consent:
      row.terms_version && row.consented
        ? { terms_version: row.terms_version, consented_at: row.consented }
        : null,
  }));
  const last = page[page.length - 1];
  return { items, nextBefore: results.length > options.limit && last ? last.pair_id : null };
}

/** The agreement figure. */
export interface Agreement {
  /** Tasks the contributor answered. */
  answers: number;
  /** Their judgments (one per candidate of each answer). */
  judgments: number;
  /** Judgments on an image and caption that at least one other contributor also judged. */
  compared: number;
  /** Compared judgments where at least half of the other contributors gave the same verdict. */
  agreed: number;
  /** agreed / compared, or null before anything could be compared. */
  agreement: number | null;
}

/** How often `contributorId`'s verdicts match other contributors' verdicts on the same image and caption. */
export async function agreementOf(db: D1Database, contributorId: string): Promise<Agreement> {
  const row = await db
    .prepare(
      `WITH mine AS (SELECT id, image_id, caption_id, verdict FROM judgments WHERE contributor_id = ?1),
       compared AS (
         SELECT m.id,
           count(DISTINCT CASE WHEN o.verdict = m.verdict THEN o.contributor_id END) AS agree,
           count(DISTINCT o.contributor_id) AS others
         FROM mine m JOIN judgments o ON o.image_id = m.image_id AND o.caption_id = m.caption_id
           AND o.contributor_id != ?1
         GROUP BY m.id)
       SELECT (SELECT count(*) FROM task_answers WHERE contributor_id = ?1) AS answers,
              (SELECT count(*) FROM mine) AS judgments,
              (SELECT count(*) FROM compared) AS compared,
              (SELECT count(*) FROM compared WHERE agree * 2 >= others) AS agreed`,
    )
    .bind(contributorId)
    .first<Omit<Agreement, "agreement">>();
  const counts = row ?? { answers: 0, judgments: 0, compared: 0, agreed: 0 };
  return { ...counts, agreement: counts.compared > 0 ? counts.agreed / counts.compared : null };
}
