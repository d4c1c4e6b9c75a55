// Pure helpers of Explore's search: merging CLIP hits with the API's exact-word matches, and placing an image
// the index does not know among its nearest indexed neighbours.

/** A hit: a row of the index and a score (higher is better). */
export interface Hit {
  readonly key: number;
  readonly score: number;
}

/**
 * The first `k` rows of two rankings merged by reciprocal rank fusion (Cormack et al. 2009,
 * https://plg.uwaterloo.ca/~gvcormac/cormacksigir09-rrf.pdf), the full-text ranking weighted twice: an image
 * whose caption has the very words should not fall behind one that only looks alike. Ties: CLIP order.
 */
export function mergeResults(clip: readonly Hit[], words: readonly Hit[], k: number): number[] {
  const fused = new Map<number, number>();
  const add = (hits: readonly Hit[], weight: number) =>
    hits.forEach((hit, rank) => fused.set(hit.key, (fused.get(hit.key) ?? 0) + weight / (60 + rank)));
  add(clip, 1);
  add(words, 2);
  const clipRank = new Map(clip.map((hit, rank) => [hit.key, rank]));
  return [...fused]
    .sort((a, b) => b[1] - a[1] || (clipRank.get(a[0]) ?? Infinity) - (clipRank.get(b[0]) ?? Infinity))
    .slice(0, k)
    .map(([key]) => key);
}

/** A map position from neighbours `{ x, y, score }`: their mean weighted by similarity (origin when none). */
export function placeFromNeighbours(
  neighbours: readonly { x: number; y: number; score: number }[],
): [number, number] {
  let [x, y, total] = [0, 0, 0];
  for (const n of neighbours) {
    const weight = Math.max(n.score, 0) + 1e-6;
    [x, y, total] = [x + n.x * weight, y + n.y * weight, total + weight];
  }
  return total ? [x / total, y / total] : [0, 0];
}
