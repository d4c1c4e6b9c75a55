/**
 * Explicit hard negatives: captions people judged not to fit an image in labelling tasks. A caption that is an
 * approved pair of the same image is never a negative, whatever one vote said.
 */

/** A negative caption for an image. */
export interface NegativeCaption {
  caption_id: string;
  text: string;
}

/** Options for {@link explicitNegatives}. */
export interface ExplicitNegativesOptions {
  /** Only judgments with id at or below this count (export snapshots). Default: all. */
  maxJudgmentId?: number;
  /** Most negatives per image. Default 16. */
  perImage?: number;
}

/** Negatives for each image id, in caption id order. */
export async function explicitNegatives(
  db: D1Database,
  imageIds: number[],
  options: ExplicitNegativesOptions = {},
): Promise<Map<number, NegativeCaption[]>> {
  const { maxJudgmentId = Number.MAX_SAFE_INTEGER, perImage = 16 } = options;
  const byImage = new Map<number, NegativeCaption[]>();
  if (imageIds.length === 0) return byImage;
  const { results } = await db
    .prepare(
      `SELECT j.image_id, c.id AS caption_id, c.text
       FROM judgments j JOIN captions c ON c.id = j.caption_id
       WHERE j.verdict = 'negative' AND j.id <= ?2 AND j.image_id IN (SELECT value FROM json_each(?1))
         AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.image_id = j.image_id AND p.caption_id = j.caption_id
                         AND p.status = 'approved')
       GROUP BY j.image_id, j.caption_id
       ORDER BY j.image_id, c.id`,
    )
    .bind(JSON.stringify([...new Set(imageIds)]), maxJudgmentId)
    .all<{ image_id: number; caption_id: number; text: string }>();
  for (const row of results) {
    const list = byImage.get(row.image_id) ?? [];
    if (list.length < perImage) list.push({ caption_id: String(row.caption_id), text: row.text });
    byImage.set(row.image_id, list);
  }
  return byImage;
}
