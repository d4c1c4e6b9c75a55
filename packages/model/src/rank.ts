// Ranking by CLIP similarity: cosine scores, and a softmax over the candidates at the trained temperature
// (`card.clip.logit_scale`), so a page can show "how sure" as well as "which".

/** A ranked item. */
export interface Ranked<T> {
  readonly item: T;
  /** Its position in the list that was ranked. */
  readonly index: number;
  /** Cosine similarity to the query, in [-1, 1]. */
  readonly score: number;
  /** softmax(logitScale × score) over the ranked items. */
  readonly probability: number;
}

/** Ranks `items` (with unit embeddings `vectors`) against a unit `query`, best first (ties by index). */
export function rankScores<T>(
  query: Float32Array,
  vectors: readonly Float32Array[],
  items: readonly T[],
  logitScale: number,
): Ranked<T>[] {
  const scores = vectors.map((v) => {
    let sum = 0;
    for (let i = 0; i < v.length; i++) sum += (v[i] as number) * (query[i] as number);
    return sum;
  });
  const max = Math.max(...scores.map((s) => logitScale * s));
  const weights = scores.map((s) => Math.exp(logitScale * s - max));
  const total = weights.reduce((a, b) => a + b, 0);
  return items
    .map((item, index) => ({
      item,
      index,
      score: scores[index] as number,
      probability: (weights[index] as number) / total,
    }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
}
