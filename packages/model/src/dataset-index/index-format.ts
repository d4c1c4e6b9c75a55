// The dataset index of a model version (docs/bundle-format.md §8), as it travels: `index.json` (role
// `dataset-index`: which images, where they sit on the 2-D map, their source / licence / cluster, the cluster
// labels and the atlas layout), `index-embeddings.bin` (role `dataset-embeddings`: each image's CLIP embedding
// as int8 with one float32 scale per row) and `index-atlas.png` (role `dataset-atlas`: thumbnails in a grid).
// Columns, not rows: 22k images cost ~1 MB of JSON instead of ~2.5 MB.
import { BundleFormatError } from "../errors";

/** `format` of index.json. */
export const DATASET_INDEX_FORMAT = "commonspace-dataset-index/1";
/** How index-embeddings.bin stores vectors: N×E int8 (row-major), then N float32 LE scales. */
export const EMBEDDING_ENCODING = "int8-row-scale";

/** A cluster of the map, labelled by its captions' most distinctive words. */
export interface DatasetCluster {
  readonly label: string;
  /** Centre on the map ([-1, 1] both ways). */
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

/** index.json. */
export interface DatasetIndex {
  readonly format: typeof DATASET_INDEX_FORMAT;
  /** The model version whose CLIP embedded these images. */
  readonly model: { readonly name: string; readonly version: string };
  readonly built: string;
  readonly count: number;
  readonly dim: number;
  readonly embeddings: { readonly encoding: typeof EMBEDDING_ENCODING };
  /** How the 2-D map was made (method and its parameters, for the record). */
  readonly layout: { readonly method: string; readonly [param: string]: unknown };
  /** Thumbnails: `tile`-pixel squares, `columns` per row, image i at column i % columns, row ⌊i / columns⌋. */
  readonly atlas: { readonly tile: number; readonly columns: number } | null;
  readonly sources: readonly string[];
  readonly licences: readonly string[];
  /** One attribution text per distinct attribution; images point at them. */
  readonly attributions: readonly string[];
  readonly clusters: readonly DatasetCluster[];
  /** Per image, column by column (all of length `count`). */
  readonly images: {
    readonly sha256: readonly string[];
    /** Index into `sources`, `licences`, `attributions`, `clusters`. */
    readonly source: readonly number[];
    readonly licence: readonly number[];
    readonly attribution: readonly number[];
    readonly cluster: readonly number[];
    /** Map position in [-1, 1]. */
    readonly x: readonly number[];
    readonly y: readonly number[];
    /** The first caption (for hover); the rest come from the API when an image is selected. */
    readonly caption: readonly string[];
  };
}

const COLUMNS = ["sha256", "source", "licence", "attribution", "cluster", "x", "y", "caption"] as const;

/** Parses and checks index.json. @throws BundleFormatError naming the first bad field. */
export function parseDatasetIndex(text: string): DatasetIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BundleFormatError("index.json", text.slice(0, 40), "JSON text");
  }
  const index = json as DatasetIndex;
  if (index?.format !== DATASET_INDEX_FORMAT)
    throw new BundleFormatError("index.json format", index?.format, DATASET_INDEX_FORMAT);
  if (!Number.isInteger(index.count) || index.count < 0)
    throw new BundleFormatError("index.json count", index.count, "an integer ≥ 0");
  for (const column of COLUMNS) {
    const values = index.images?.[column];
    if (!Array.isArray(values) || values.length !== index.count)
      throw new BundleFormatError(`index.json images.${column}`, values?.length, `${index.count} values`);
  }
  if (index.embeddings?.encoding !== EMBEDDING_ENCODING)
    throw new BundleFormatError(
      "index.json embeddings.encoding",
      index.embeddings?.encoding,
      EMBEDDING_ENCODING,
    );
  return index;
}

/** Unit vectors → index-embeddings.bin (int8 per component, one scale per row: max |v| / 127). */
export function encodeEmbeddings(vectors: readonly Float32Array[], dim: number): Uint8Array {
  const n = vectors.length;
  const out = new Uint8Array(n * dim + n * 4);
  const values = new Int8Array(out.buffer, 0, n * dim);
  const scales = new DataView(out.buffer, n * dim, n * 4);
  vectors.forEach((vector, row) => {
    let max = 0;
    for (const v of vector) max = Math.max(max, Math.abs(v));
    const scale = max / 127 || 1;
    for (let d = 0; d < dim; d++) values[row * dim + d] = Math.round((vector[d] as number) / scale);
    scales.setFloat32(row * 4, scale, true);
  });
  return out;
}

/** index-embeddings.bin → `count` vectors of `dim` (not re-normalised: the search index does that). */
export function decodeEmbeddings(bytes: Uint8Array, count: number, dim: number): Float32Array[] {
  if (bytes.length !== count * dim + count * 4)
    throw new BundleFormatError(
      "index-embeddings.bin",
      `${bytes.length} bytes`,
      `${count * dim + count * 4} (${count} × ${dim} int8 + ${count} float32 scales)`,
    );
  const values = new Int8Array(bytes.buffer, bytes.byteOffset, count * dim);
  const scales = new DataView(bytes.buffer, bytes.byteOffset + count * dim, count * 4);
  const out: Float32Array[] = [];
  for (let row = 0; row < count; row++) {
    const scale = scales.getFloat32(row * 4, true);
    const vector = new Float32Array(dim);
    for (let d = 0; d < dim; d++) vector[d] = (values[row * dim + d] as number) * scale;
    out.push(vector);
  }
  return out;
}
