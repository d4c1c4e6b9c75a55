// Nearest-neighbour search over unit embeddings (CLIP space): exact, brute-force dot products over one flat
// Float32Array. At this model's size (E ≤ 512) a browser scans ~100k vectors in tens of milliseconds, which
// is simpler and more predictable than an approximate index.
import { ModelOptionError } from "./errors";

/** A search hit. */
export interface Neighbour<K> {
  readonly key: K;
  /** Cosine similarity (dot product of unit vectors). */
  readonly score: number;
}

/** An index of vectors by key. */
export interface EmbeddingIndex<K> {
  readonly dim: number;
  readonly size: number;
  /** Adds (or replaces) the vector of `key`; it is L2-normalised on the way in. */
  add(key: K, vector: ArrayLike<number>): void;
  remove(key: K): boolean;
  /** The stored (unit) vector of `key`, a copy; undefined when absent. */
  vector(key: K): Float32Array | undefined;
  /** The `k` nearest keys to `query`, best first (ties: the earlier-added key first). */
  search(query: ArrayLike<number>, k?: number): Neighbour<K>[];
}

/** Creates an empty index for `dim`-dimensional vectors. */
export function createEmbeddingIndex<K>(dim: number): EmbeddingIndex<K> {
  if (!Number.isInteger(dim) || dim < 1) throw new ModelOptionError("dim", dim, "an integer ≥ 1");
  let vectors = new Float32Array(dim * 16);
  const keys: K[] = [];
  const slots = new Map<K, number>();
  const check = (vector: ArrayLike<number>, what: string): void => {
    if (vector.length !== dim)
      throw new ModelOptionError(what, `${vector.length} numbers`, `${dim} (the index dim)`);
  };
  return {
    dim,
    get size() {
      return keys.length;
    },
    add(key, vector) {
      check(vector, "vector");
      let slot = slots.get(key);
      if (slot === undefined) {
        slot = keys.length;
        if ((slot + 1) * dim > vectors.length) {
          const grown = new Float32Array(vectors.length * 2);
          grown.set(vectors);
          vectors = grown;
        }
        keys.push(key);
        slots.set(key, slot);
      }
      vectors.set(normalise(vector), slot * dim);
    },
    remove(key) {
      const slot = slots.get(key);
      if (slot === undefined) return false;
      const last = keys.length - 1;
      const moved = keys[last] as K;
      vectors.copyWithin(slot * dim, last * dim, (last + 1) * dim);
      keys[slot] = moved;
      slots.set(moved, slot);
      keys.pop();
      slots.delete(key);
      return true;
    },
    vector(key) {
      const slot = slots.get(key);
      return slot === undefined ? undefined : vectors.slice(slot * dim, (slot + 1) * dim);
    },
    search(query, k = 10) {
      check(query, "query");
      const q = normalise(query);
      const hits: Neighbour<K>[] = [];
      for (let slot = 0; slot < keys.length; slot++) {
        let score = 0;
        for (let d = 0, at = slot * dim; d < dim; d++, at++)
          score += (q[d] as number) * (vectors[at] as number);
        if (hits.length < k || score > (hits[hits.length - 1] as Neighbour<K>).score) {
          let at = hits.length;
          while (at > 0 && (hits[at - 1] as Neighbour<K>).score < score) at--;
          hits.splice(at, 0, { key: keys[slot] as K, score });
          if (hits.length > k) hits.pop();
        }
      }
      return hits;
    },
  };
}

function normalise(vector: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(vector);
  let norm = 0;
  for (const x of out) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / norm;
  return out;
}
