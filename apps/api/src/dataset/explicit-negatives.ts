/**
 * Explicit hard negatives: captions people judged not to fit an image in labelling tasks, kept only under the
 * agreement rule (negative-rule.ts). A caption that is an approved pair of the same image is never a negative,
 * whatever the votes said, and neither is a caption that no served pair stands behind any more (withdrawn or
 * rejected everywhere).
 */
import type { NegativeRule } from "./negative-rule";

/** A negative caption for an image, with the votes behind it and the part of the rule that admitted it. */
export interface NegativeCaption {
  caption_id: string;
  text: string;
  /** Distinct contributors who judged the caption not to fit. */
  negative_votes: number;
  /** Distinct contributors who judged it to fit. */
  positive_votes: number;
  rule: "agreement" | "moderator";
}

/** Options for {@link explicitNegatives}. */
export interface ExplicitNegativesOptions {
  rule: NegativeRule;
  /** Only judgments with id at or below this count (export snapshots). Default: all. */
  maxJudgmentId?: number;
  /** Most negatives per image. Default 16. */
  perImage?: number;
}

const NEGATIVES = `
  WITH votes AS (
    SELECT j.image_id, j.caption_id,
      count(DISTINCT CASE WHEN j.verdict = 'negative' THEN j.contributor_id END) AS neg,
      count(DISTINCT CASE WHEN j.verdict = 'positive' THEN j.contributor_id END) AS pos,
      EXISTS (SELECT 1 FROM pairs m WHERE m.image_id = j.image_id AND m.caption_id = j.caption_id
              AND m.origin = 'task' AND m.status = 'rejected') AS moderated
    FROM judgments j
    WHERE j.id <= ?2 AND j.image_id IN (SELECT value FROM json_each(?1))
    GROUP BY j.image_id, j.caption_id)
  SELECT v.image_id, c.id AS caption_id, c.text, v.neg, v.pos, v.moderated
  FROM votes v JOIN captions c ON c.id = v.caption_id
  WHERE ((v.neg >= ?3 AND v.neg > v.pos) OR (?4 = 1 AND v.moderated))
    AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.image_id = v.image_id AND p.caption_id = v.caption_id
                    AND p.status = 'approved')
    AND EXISTS (SELECT 1 FROM pairs p JOIN images i ON i.id = p.image_id
                WHERE p.caption_id = v.caption_id AND p.status = 'approved' AND i.status = 'approved')
  ORDER BY v.image_id, c.id`;

/** Negatives for each image id, in caption id order. */
export async function explicitNegatives(
  db: D1Database,
  imageIds: number[],
  options: ExplicitNegativesOptions,
): Promise<Map<number, NegativeCaption[]>> {
  const { rule, maxJudgmentId = Number.MAX_SAFE_INTEGER, perImage = 16 } = options;
  const byImage = new Map<number, NegativeCaption[]>();
  if (imageIds.length === 0) return byImage;
  const { results } = await db
    .prepare(NEGATIVES)
    .bind(JSON.stringify([...new Set(imageIds)]), maxJudgmentId, rule.minAgreeing, rule.moderator ? 1 : 0)
    .all<{
      image_id: number;
      caption_id: number;
      text: string;
      neg: number;
      pos: number;
      moderated: number;
    }>();
  for (const row of results) {
    const list = byImage.get(row.image_id) ?? [];
    const byVotes = row.neg >= rule.minAgreeing && row.neg > row.pos;
    if (list.length < perImage) {
      list.push({
        caption_id: String(row.caption_id),
        text: row.text,
        negative_votes: row.neg,
        positive_votes: row.pos,
        rule: byVotes ? "agreement" : "moderator",
      });
    }
    byImage.set(row.image_id, list);
  }
  return byImage;
}
