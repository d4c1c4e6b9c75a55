/**
 * The moderation queue (GET /v1/admin/moderation/queue): pending images, and approved images with pending
 * captions, oldest first. Each item carries what a moderator decides on: the image (licence, attribution,
 * consent), every pending caption with its origin, licence and consent, the captions already approved, and
 * for each contributor involved their history (how many of their contributions are pending, approved,
 * rejected, withdrawn).
 */
import { isoTime } from "./contribution-response";
import { IMAGE_COLUMNS, imageView, type ImageRow, type ImageView } from "./image-view";

/** Counts of a contributor's contributions by status. */
export interface ContributorHistory {
  pending: number;
  approved: number;
  rejected: number;
  withdrawn: number;
}

/** Consent as the API shows it. */
export interface ConsentView {
  terms_version: string;
  consented_at: string;
}

/** One caption of a queue item. */
export interface QueueCaption {
  pair_id: string;
  caption: { id: string; text: string };
  origin: string;
  status: string;
  contributor_id: string | null;
  licence: string | null;
  attribution: string | null;
  consent: ConsentView | null;
  created_at: string;
}

/** One queue item. */
export interface QueueItem {
  image: ImageView & { contributor_id: string | null; consent: ConsentView | null };
  pending_captions: QueueCaption[];
  approved_captions: QueueCaption[];
  contributors: Record<string, ContributorHistory>;
}

type QueueImageRow = ImageRow & {
  id: number;
  contributor_id: string | null;
  terms_version: string | null;
  consented: string | null;
};
type QueuePairRow = {
  pair_id: number;
  image_id: number;
  origin: string;
  status: string;
  contributor_id: string | null;
  licence: string | null;
  attribution: string | null;
  terms_version: string | null;
  consented: string | null;
  created_at: number;
  caption_id: number;
  text: string;
};

function consentView(termsVersion: string | null, consented: string | null): ConsentView | null {
  return termsVersion && consented ? { terms_version: termsVersion, consented_at: consented } : null;
}

function captionView(row: QueuePairRow): QueueCaption {
  return {
    pair_id: String(row.pair_id),
    caption: { id: String(row.caption_id), text: row.text },
    origin: row.origin,
    status: row.status,
    contributor_id: row.contributor_id,
    licence: row.licence,
    attribution: row.attribution,
    consent: consentView(row.terms_version, row.consented),
    created_at: new Date(row.created_at).toISOString(),
  };
}

async function histories(db: D1Database, ids: string[]): Promise<Map<string, ContributorHistory>> {
  const { results } = await db
    .prepare(
      `SELECT contributor_id, status, count(*) AS n FROM pairs
       WHERE origin = 'contribution' AND contributor_id IN (SELECT value FROM json_each(?))
       GROUP BY contributor_id, status`,
    )
    .bind(JSON.stringify(ids))
    .all<{ contributor_id: string; status: keyof ContributorHistory; n: number }>();
  const byId = new Map<string, ContributorHistory>();
  for (const id of ids) byId.set(id, { pending: 0, approved: 0, rejected: 0, withdrawn: 0 });
  for (const row of results) {
    const history = byId.get(row.contributor_id);
    if (history) history[row.status] = row.n;
  }
  return byId;
}

/** One page of the queue after image id `after`; `limit + 1` rows are read to know whether more follow. */
export async function moderationQueue(db: D1Database, after: number, limit: number) {
  const { results } = await db
    .prepare(
      `SELECT i.id, ${IMAGE_COLUMNS}, i.contributor_id, i.terms_version, ${isoTime("i.consented_at")} AS consented
       FROM images i
       WHERE i.id > ?1 AND i.status IN ('pending', 'approved')
         AND i.id IN (SELECT id FROM images WHERE status = 'pending'
                      UNION SELECT image_id FROM pairs WHERE status = 'pending')
       ORDER BY i.id LIMIT ?2`,
    )
    .bind(after, limit + 1)
    .all<QueueImageRow>();
  const page = results.slice(0, limit);
  const { results: pairs } = await db
    .prepare(
      `SELECT p.id AS pair_id, p.image_id, p.origin, p.status, p.contributor_id, p.licence, p.attribution,
         p.terms_version, ${isoTime("p.consented_at")} AS consented, p.created_at, c.id AS caption_id, c.text
       FROM pairs p JOIN captions c ON c.id = p.caption_id
       WHERE p.status IN ('pending', 'approved') AND p.image_id IN (SELECT value FROM json_each(?))
       ORDER BY p.id`,
    )
    .bind(JSON.stringify(page.map((row) => row.id)))
    .all<QueuePairRow>();
  const people = new Set<string>();
  for (const row of [...page, ...pairs]) if (row.contributor_id) people.add(row.contributor_id);
  const history = await histories(db, [...people]);
  const items: QueueItem[] = page.map((row) => {
    const own = pairs.filter((pair) => pair.image_id === row.id);
    const involved = new Set([row.contributor_id, ...own.map((pair) => pair.contributor_id)]);
    const contributors: Record<string, ContributorHistory> = {};
    for (const id of involved) {
      const counts = id ? history.get(id) : undefined;
      if (id && counts) contributors[id] = counts;
    }
    return {
      image: {
        ...imageView(row),
        contributor_id: row.contributor_id,
        consent: consentView(row.terms_version, row.consented),
      },
      pending_captions: own.filter((pair) => pair.status === "pending").map(captionView),
      approved_captions: own.filter((pair) => pair.status === "approved").map(captionView),
      contributors,
    };
  });
  const last = page[page.length - 1];
  return { items, nextAfter: results.length > limit && last ? last.id : null };
}
