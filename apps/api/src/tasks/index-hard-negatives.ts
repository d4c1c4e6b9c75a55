/**
 * Hard negatives from the published dataset index: the nearest neighbours of the task's image in the CLIP image
 * space of the version that built the index (stable-dataset-index.ts). For caption-for-image, the captions of
 * the prompt image's neighbours; for image-for-caption, the neighbours of the true image. Everything that is
 * not a negative is left out (not-negatives.ts: true pairs, the prompt's concept, anything not served), and a
 * concept gives at most one candidate, nearest first. An image missing from the index (approved after it was
 * built) gets no candidates here, so the task falls back to the lexical source.
 */
import type { HardNegativeSource, PromptPair } from "./hard-negatives";
import { OWN_CAPTIONS, OWN_IMAGES, SERVED } from "./not-negatives";
import type { PublishedIndex } from "./stable-dataset-index";

// Several styles of one concept sit together in embedding space and are all excluded, so look well past k.
const NEIGHBOURS_PER_NEGATIVE = 16;
const MIN_NEIGHBOURS = 64;

// ?4: the neighbours' SHA-256s as a JSON array, nearest first (json_each's key is the rank).
const CAPTION_NEIGHBOURS = `SELECT coalesce(i.concept, i.id) AS grp, p.caption_id AS id
  FROM json_each(?4) e JOIN images i ON i.sha256 = e.value JOIN pairs p ON p.image_id = i.id
  WHERE ${SERVED} AND p.caption_id NOT IN (${OWN_CAPTIONS}) ORDER BY e.key, p.id`;
const IMAGE_NEIGHBOURS = `SELECT coalesce(i.concept, i.id) AS grp, i.id
  FROM json_each(?4) e JOIN images i ON i.sha256 = e.value
  WHERE i.status = 'approved' AND i.id NOT IN (${OWN_IMAGES})
    AND EXISTS (SELECT 1 FROM pairs p WHERE p.image_id = i.id AND p.status = 'approved') ORDER BY e.key`;

async function nearestNegatives(
  db: D1Database,
  sql: string,
  index: PublishedIndex,
  prompt: PromptPair,
  count: number,
): Promise<number[]> {
  const neighbours = index.neighbours.nearest(
    prompt.sha256,
    Math.max(MIN_NEIGHBOURS, count * NEIGHBOURS_PER_NEGATIVE),
  );
  if (neighbours.length === 0) return [];
  const { results } = await db
    .prepare(sql)
    .bind(prompt.imageId, prompt.concept, prompt.captionId, JSON.stringify(neighbours))
    .all<{ grp: string | number; id: number }>();
  const groups = new Set<string | number>();
  const ids = new Set<number>();
  for (const { grp, id } of results) {
    if (groups.has(grp) || ids.has(id)) continue;
    groups.add(grp);
    ids.add(id);
    if (ids.size === count) break;
  }
  return [...ids];
}

/** The {@link HardNegativeSource} of a published dataset index; its proposals carry the index's model version. */
export function indexHardNegatives(index: PublishedIndex): HardNegativeSource {
  return {
    modelVersion: index.modelVersion,
    captionsFor: (db, prompt, count) => nearestNegatives(db, CAPTION_NEIGHBOURS, index, prompt, count),
    imagesFor: (db, prompt, count) => nearestNegatives(db, IMAGE_NEIGHBOURS, index, prompt, count),
  };
}
