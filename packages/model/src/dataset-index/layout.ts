// The 2-D map of the dataset: UMAP (umap-js, McInnes et al. 2018, https://arxiv.org/abs/1802.03426) keeps
// local neighbourhoods (the same concept in several styles sits together, near related concepts), which is
// what Explore is for; PCA (two leading components by power iteration) is the fast, deterministic fallback
// that keeps only the broad directions. Both are seeded and scaled to [-1, 1] (aspect kept). Cosine distance:
// the embeddings are unit vectors compared by dot product everywhere else. docs/BENCHMARKS.md has the timings.
import { UMAP } from "umap-js";
import { createRng } from "../rng";

/** A layout method. */
export type LayoutMethod = "umap" | "pca";

/** Options of {@link layoutEmbeddings}. */
export interface LayoutOptions {
  readonly method?: LayoutMethod;
  readonly seed?: number;
  /** UMAP: neighbours per point (default 15) and the minimum distance (default 0.1). */
  readonly neighbours?: number;
  readonly minDist?: number;
  /** UMAP epochs (default: umap-js's choice, 500 below 10k points and 200 above). */
  readonly epochs?: number;
}

/** What was run, for index.json's `layout`. */
export interface LayoutResult {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly params: { readonly method: LayoutMethod; readonly [param: string]: unknown };
}

/** Places `vectors` on a plane; see the file header. */
export function layoutEmbeddings(
  vectors: readonly Float32Array[],
  options: LayoutOptions = {},
): LayoutResult {
  const method = options.method ?? "umap";
  const seed = options.seed ?? 1;
  // UMAP needs more points than neighbours; tiny datasets (tests) fall back to PCA's straight projection.
  if (method === "pca" || vectors.length < 4)
    return { ...scaled(pca(vectors, seed)), params: { method: "pca", seed } };
  const rng = createRng(seed);
  const neighbours = Math.min(options.neighbours ?? 15, vectors.length - 1);
  const minDist = options.minDist ?? 0.1;
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: neighbours,
    minDist,
    random: () => rng.nextFloat(),
    distanceFn: cosineDistance,
    ...(options.epochs !== undefined && { nEpochs: options.epochs }),
  });
  const points = umap.fit(vectors.map((v) => Array.from(v)));
  const x = Float32Array.from(points, (p) => p[0] as number);
  const y = Float32Array.from(points, (p) => p[1] as number);
  return {
    ...scaled({ x, y }),
    params: { method: "umap", seed, neighbours, minDist, epochs: options.epochs ?? "auto" },
  };
}

function cosineDistance(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  return 1 - dot;
}

/** The two leading principal components (power iteration with deflation on the centred data). */
function pca(vectors: readonly Float32Array[], seed: number): { x: Float32Array; y: Float32Array } {
  const n = vectors.length;
  const dim = vectors[0]?.length ?? 0;
  const mean = new Float64Array(dim);
  for (const v of vectors) for (let d = 0; d < dim; d++) mean[d]! += (v[d] as number) / n;
  const centred = vectors.map((v) => Float64Array.from(v, (value, d) => value - (mean[d] as number)));
  const rng = createRng(seed);
  const components: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let axis = Float64Array.from({ length: dim }, () => rng.nextFloat() - 0.5);
    for (let iteration = 0; iteration < 100; iteration++) {
      const next = new Float64Array(dim);
      for (const row of centred) {
        const projection = dot(row, axis);
        for (let d = 0; d < dim; d++) next[d]! += projection * (row[d] as number);
      }
      for (const previous of components) {
        const overlap = dot(next, previous);
        for (let d = 0; d < dim; d++) next[d]! -= overlap * (previous[d] as number);
      }
      const norm = Math.sqrt(dot(next, next)) || 1;
      axis = next.map((value) => value / norm);
    }
    components.push(axis);
  }
  const project = (axis: Float64Array | undefined): Float32Array =>
    Float32Array.from(centred, (row) => (axis ? dot(row, axis) : 0));
  return { x: project(components[0]), y: project(components[1]) };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** Centres the points and scales the larger extent to [-1, 1] (a little margin), keeping the aspect. */
function scaled({ x, y }: { x: Float32Array; y: Float32Array }): { x: Float32Array; y: Float32Array } {
  const range = (values: Float32Array): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    return values.length ? [lo, hi] : [0, 0];
  };
  const [x0, x1] = range(x);
  const [y0, y1] = range(y);
  const half = Math.max(x1 - x0, y1 - y0) / 2 || 1;
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  const factor = 0.95 / half;
  return { x: x.map((v) => (v - cx) * factor), y: y.map((v) => (v - cy) * factor) };
}
