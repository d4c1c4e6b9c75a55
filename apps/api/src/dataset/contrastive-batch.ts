/**
 * Contrastive batches: N approved pairs, each with its explicit negatives, reproducible by seed. Pairs are
 * ranked by a seeded hash of their id computed in SQL (affine map mod a prime, an xor-shift, another multiply),
 * so the same seed over the same data gives the same batch, different seeds give unrelated batches, and no
 * state is kept between requests. At most one pair per image and per concept is taken, because two captions of
 * one image (or two styles of one emoji) in the same batch would be false in-batch negatives.
 */
import { explicitNegatives, type NegativeCaption } from "./explicit-negatives";
import type { NegativeRule } from "./negative-rule";
import { IMAGE_COLUMNS, imageView, type ImageRow, type ImageView } from "./image-view";
import { mulberry32 } from "../tasks/seeded-random";

/** One pair of a contrastive batch. */
export interface BatchPair {
  pair_id: string;
  origin: string;
  image: ImageView;
  caption: { id: string; text: string };
  negatives: NegativeCaption[];
}

// Largest prime below 2^32: hashes stay below 2^32 and products with 31-bit multipliers below 2^63.
const PRIME = 4294967291;

/** The hash multipliers and offset a seed selects (odd, nonzero, below 2^31). */
export function seedMultipliers(seed: number): [number, number, number] {
  const random = mulberry32(seed);
  const draw = () => (Math.floor(random() * 2 ** 30) << 1) | 1;
  return [draw(), draw(), draw()];
}

type RankedRow = ImageRow & {
  pair_id: number;
  origin: string;
  image_id: number;
  caption_id: number;
  caption_text: string;
};

// Rank ids only, keep the top ?4, then join the details of those few rows.
const RANKED_PAIRS = `
  WITH ranked AS (
    SELECT p.id, (p.id * ?1 + ?2) % ${PRIME} AS h FROM pairs p JOIN images i ON i.id = p.image_id
    WHERE p.status = 'approved' AND i.status = 'approved'),
  top AS (
    SELECT id, (((h | (h >> 16)) - (h & (h >> 16))) * ?3) % ${PRIME} AS k FROM ranked ORDER BY k, id LIMIT ?4)
  SELECT p.id AS pair_id, p.origin, i.id AS image_id, ${IMAGE_COLUMNS}, c.id AS caption_id, c.text AS caption_text
  FROM top JOIN pairs p ON p.id = top.id JOIN images i ON i.id = p.image_id JOIN captions c ON c.id = p.caption_id
  ORDER BY top.k, top.id`;

/** Keeps rows in order, skipping any whose image or concept was already taken. */
function onePerConcept(rows: RankedRow[]): RankedRow[] {
  const seenImages = new Set<number>();
  const seenConcepts = new Set<string>();
  return rows.filter((row) => {
    if (seenImages.has(row.image_id) || (row.concept !== null && seenConcepts.has(row.concept))) return false;
    seenImages.add(row.image_id);
    if (row.concept !== null) seenConcepts.add(row.concept);
    return true;
  });
}

/** Selects `n` pairs for `seed`; fewer when the approved data has fewer distinct images or concepts. */
export async function contrastiveBatch(
  db: D1Database,
  n: number,
  seed: number,
  rule: NegativeRule,
): Promise<BatchPair[]> {
  const [a, b, m] = seedMultipliers(seed);
  let picked: RankedRow[] = [];
  // Usually 4n ranked pairs hold n distinct concepts; when many pairs share concepts, look deeper once.
  for (const depth of [n * 4, n * 64]) {
    const { results } = await db.prepare(RANKED_PAIRS).bind(a, b, m, depth).all<RankedRow>();
    picked = onePerConcept(results).slice(0, n);
    if (picked.length === n || results.length < depth) break;
  }
  const negatives = await explicitNegatives(
    db,
    picked.map((row) => row.image_id),
    { rule },
  );
  return picked.map((row) => ({
    pair_id: String(row.pair_id),
    origin: row.origin,
    image: imageView(row),
    caption: { id: String(row.caption_id), text: row.caption_text },
    negatives: negatives.get(row.image_id) ?? [],
  }));
}
