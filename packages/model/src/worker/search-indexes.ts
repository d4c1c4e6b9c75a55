// Embedding indexes that clients register in the worker by name (createIndex), searched with a caption or an
// image that the worker embeds with CLIP (search). The vectors stay in the worker; hits carry keys and scores.
import { createEmbeddingIndex, type EmbeddingIndex, type Neighbour } from "../embedding-index";
import { ModelOptionError } from "../errors";
import type { IndexEntry, IndexKey } from "./protocol";

/** The worker's named indexes. */
export class SearchIndexes {
  private readonly indexes = new Map<string, EmbeddingIndex<IndexKey>>();

  /** Builds (or replaces) index `name` from `entries` of `dim` numbers each. */
  create(name: string, entries: readonly IndexEntry[], dim: number): { size: number; dim: number } {
    if (typeof name !== "string" || name === "")
      throw new ModelOptionError("index name", name, "a non-empty string");
    const index = createEmbeddingIndex<IndexKey>(dim);
    for (const entry of entries) index.add(entry.key, entry.vector);
    this.indexes.set(name, index);
    return { size: index.size, dim };
  }

  /** Adds (or replaces) `entries` of index `name`. */
  add(name: string, entries: readonly IndexEntry[]): { size: number; dim: number } {
    const index = this.get(name);
    for (const entry of entries) index.add(entry.key, entry.vector);
    return { size: index.size, dim: index.dim };
  }

  /** The `k` nearest keys of index `name` to the stored vector of `key` (itself first). */
  similar(name: string, key: IndexKey, k: number): Neighbour<IndexKey>[] {
    const vector = this.get(name).vector(key);
    if (!vector) throw new ModelOptionError("key", key, `a key of index ${JSON.stringify(name)}`);
    return this.search(name, vector, k);
  }

  /** The `k` nearest keys of index `name` to the unit `query`. */
  search(name: string, query: Float32Array, k: number): Neighbour<IndexKey>[] {
    if (!Number.isInteger(k) || k < 1) throw new ModelOptionError("k", k, "an integer ≥ 1");
    return this.get(name).search(query, k);
  }

  private get(name: string): EmbeddingIndex<IndexKey> {
    const index = this.indexes.get(name);
    if (!index) {
      const known = [...this.indexes.keys()].map((n) => JSON.stringify(n)).join(", ") || "none";
      throw new ModelOptionError(
        "index",
        name,
        `a registered index (${known}); register it with createIndex`,
      );
    }
    return index;
  }
}
