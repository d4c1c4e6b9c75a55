/**
 * Nearest neighbours in a published dataset index (docs/bundle-format.md §8): index.json's `images.sha256`
 * column and index-embeddings.bin's int8 rows with one float32 scale per row, laid out as in
 * packages/model/src/dataset-index/index-format.ts (read here, not imported: only packages/model imports
 * onnxruntime). A query is a row of the index itself (a task's image), so no model runs at the edge.
 *
 * Cost: one linear scan of N × E int8 multiply-adds per query (22k × 128 ≈ 2.8 M, ~5 ms of V8 CPU) and a
 * top-`limit` insertion list; memory N × E bytes plus 4 N for the inverse row norms (~3 MB for 22k × 128).
 */

/** `format` of index.json this reader understands. */
export const DATASET_INDEX_FORMAT = "commonspace-dataset-index/1";
/** `embeddings.encoding` of index.json this reader understands. */
export const EMBEDDING_ENCODING = "int8-row-scale";

/** A published index that cannot be read; the message names the file, the bad value and what was expected. */
export class DatasetIndexError extends Error {
  override name = "DatasetIndexError";
}

function fail(what: string, got: unknown, expected: string): never {
  const shown = typeof got === "string" ? JSON.stringify(got.slice(0, 40)) : String(got);
  throw new DatasetIndexError(
    `${what} is ${shown}, expected ${expected}; rebuild it with packages/model/scripts/build-index.mjs and publish again.`,
  );
}

interface IndexJson {
  format?: unknown;
  count?: unknown;
  dim?: unknown;
  embeddings?: { encoding?: unknown };
  images?: { sha256?: unknown };
}

/** The embedding rows of one index, searchable by image SHA-256. */
export class DatasetNeighbours {
  readonly count: number;
  readonly dim: number;
  readonly #sha256: readonly string[];
  readonly #rowOf: Map<string, number>;
  readonly #values: Int8Array; // (N, E)
  // Cosine of int8 rows is q_i·q_j / (|q_i| |q_j|): the per-row scales cancel, only the norms matter.
  readonly #inverseNorms: Float32Array; // (N,)

  /** Parses index.json text and index-embeddings.bin bytes. @throws DatasetIndexError naming the bad field. */
  constructor(indexJson: string, embeddings: Uint8Array) {
    let index: IndexJson;
    try {
      index = JSON.parse(indexJson) as IndexJson;
    } catch {
      fail("index.json", indexJson, "JSON text");
    }
    if (index?.format !== DATASET_INDEX_FORMAT)
      fail("index.json format", index?.format, DATASET_INDEX_FORMAT);
    if (index.embeddings?.encoding !== EMBEDDING_ENCODING)
      fail("index.json embeddings.encoding", index.embeddings?.encoding, EMBEDDING_ENCODING);
    const { count, dim } = index;
    if (!Number.isInteger(count) || (count as number) < 0) fail("index.json count", count, "an integer ≥ 0");
    if (!Number.isInteger(dim) || (dim as number) < 1) fail("index.json dim", dim, "an integer ≥ 1");
    const n = count as number;
    const e = dim as number;
    const sha256 = index.images?.sha256;
    if (!Array.isArray(sha256) || sha256.length !== n)
      fail("index.json images.sha256 length", Array.isArray(sha256) ? sha256.length : sha256, `${n}`);
    if (embeddings.length !== n * e + n * 4)
      fail(
        "index-embeddings.bin size",
        embeddings.length,
        `${n * e + n * 4} bytes (${n} × ${e} int8 + ${n} float32)`,
      );
    this.count = n;
    this.dim = e;
    this.#sha256 = sha256 as string[];
    this.#rowOf = new Map(this.#sha256.map((hash, row) => [hash, row]));
    this.#values = new Int8Array(embeddings.buffer, embeddings.byteOffset, n * e);
    this.#inverseNorms = new Float32Array(n);
    for (let row = 0; row < n; row++) {
      let squares = 0;
      for (let d = row * e; d < (row + 1) * e; d++) squares += (this.#values[d] as number) ** 2;
      this.#inverseNorms[row] = squares > 0 ? 1 / Math.sqrt(squares) : 0;
    }
  }

  /** Whether image `sha256` is in the index. */
  has(sha256: string): boolean {
    return this.#rowOf.has(sha256);
  }

  /**
   * The SHA-256s of the `limit` images most cosine-similar to image `sha256`, most similar first, the image
   * itself left out; empty when it is not in the index (approved after the index was built).
   */
  nearest(sha256: string, limit: number): string[] {
    const query = this.#rowOf.get(sha256);
    if (query === undefined || limit < 1) return [];
    const { dim } = this;
    const values = this.#values;
    const q = values.subarray(query * dim, (query + 1) * dim);
    const rows: number[] = [];
    const scores: number[] = [];
    for (let row = 0; row < this.count; row++) {
      if (row === query) continue;
      let dot = 0;
      for (let d = 0, at = row * dim; d < dim; d++, at++) dot += (q[d] as number) * (values[at] as number);
      const score = dot * (this.#inverseNorms[row] as number);
      if (rows.length === limit && score <= (scores[limit - 1] as number)) continue;
      let at = Math.min(rows.length, limit - 1);
      while (at > 0 && (scores[at - 1] as number) < score) at--;
      rows.splice(at, 0, row);
      scores.splice(at, 0, score);
      if (rows.length > limit) {
        rows.pop();
        scores.pop();
      }
    }
    return rows.map((row) => this.#sha256[row] as string);
  }
}
