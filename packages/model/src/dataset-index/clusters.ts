// Cluster labels for the map: k-means on the 2-D positions (so a label names a region people see, not a
// cluster of the 128-D space that the map may have split), seeded k-means++ start, then each cluster named by
// the captions' most frequent words, weighted by how few other clusters use them (tf-idf), so "face" or
// "icon", which are everywhere, do not name every region.
import { createRng } from "../rng";

/** Options of {@link clusterMap}. */
export interface ClusterOptions {
  /** Number of clusters (default √(n / 4), 1–48). */
  readonly k?: number;
  readonly seed?: number;
  /** Words per label (default 2). */
  readonly words?: number;
}

/** Which cluster each point is in, and each cluster's label and centre. */
export interface ClusterResult {
  readonly assignment: Int32Array;
  readonly clusters: { label: string; x: number; y: number; size: number }[];
}

const STOPWORDS = new Set(
  "a an and the of with on in at to for by or from as is are be this that it its into over under up down".split(
    " ",
  ),
);

/** Splits a caption into label words (lower case, letters and digits, no stopwords, ≥ 3 characters). */
export function labelWords(caption: string): string[] {
  return (caption.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter(
    (w) => w.length >= 3 && !STOPWORDS.has(w),
  );
}

/** Clusters points `(x[i], y[i])` whose captions are `captions[i]`; see the file header. */
export function clusterMap(
  x: Float32Array,
  y: Float32Array,
  captions: readonly (readonly string[])[],
  options: ClusterOptions = {},
): ClusterResult {
  const n = x.length;
  const k = Math.max(1, Math.min(options.k ?? Math.round(Math.sqrt(n / 4)), 48, n));
  const rng = createRng(options.seed ?? 1);
  const centres = kMeansPlusPlus(x, y, k, () => rng.nextFloat());
  const assignment = new Int32Array(n);
  for (let iteration = 0; iteration < 30; iteration++) {
    let moved = false;
    for (let i = 0; i < n; i++) {
      const best = nearest(centres, x[i] as number, y[i] as number);
      if (best !== assignment[i]) [assignment[i], moved] = [best, true];
    }
    const sums = centres.map(() => [0, 0, 0]);
    for (let i = 0; i < n; i++) {
      const sum = sums[assignment[i] as number] as number[];
      sum[0]! += x[i] as number;
      sum[1]! += y[i] as number;
      sum[2]! += 1;
    }
    sums.forEach(([sx, sy, count], c) => count && (centres[c] = [sx! / count, sy! / count]));
    if (!moved && iteration > 0) break;
  }
  const labels = labelClusters(assignment, captions, k, options.words ?? 2);
  const sizes = new Array<number>(k).fill(0);
  for (const c of assignment) sizes[c]!++;
  return {
    assignment,
    clusters: centres.map(([cx, cy], c) => ({ label: labels[c] ?? "", x: cx, y: cy, size: sizes[c] ?? 0 })),
  };
}

function kMeansPlusPlus(
  x: Float32Array,
  y: Float32Array,
  k: number,
  random: () => number,
): [number, number][] {
  const n = x.length;
  const first = Math.floor(random() * n);
  const centres: [number, number][] = [[x[first] as number, y[first] as number]];
  const distance = new Float64Array(n).fill(Infinity);
  while (centres.length < k) {
    const [cx, cy] = centres[centres.length - 1] as [number, number];
    let total = 0;
    for (let i = 0; i < n; i++) {
      distance[i] = Math.min(
        distance[i] as number,
        ((x[i] as number) - cx) ** 2 + ((y[i] as number) - cy) ** 2,
      );
      total += distance[i] as number;
    }
    let target = random() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) if ((target -= distance[i] as number) <= 0) [pick, i] = [i, n];
    centres.push([x[pick] as number, y[pick] as number]);
  }
  return centres;
}

function nearest(centres: readonly [number, number][], px: number, py: number): number {
  let best = 0;
  let bestDistance = Infinity;
  centres.forEach(([cx, cy], c) => {
    const d = (px - cx) ** 2 + (py - cy) ** 2;
    if (d < bestDistance) [best, bestDistance] = [c, d];
  });
  return best;
}

function labelClusters(
  assignment: Int32Array,
  captions: readonly (readonly string[])[],
  k: number,
  words: number,
) {
  const counts = Array.from({ length: k }, () => new Map<string, number>());
  assignment.forEach((c, i) => {
    // Each word once per image: an image with eleven captions must not outvote eleven images.
    const seen = new Set(captions[i]?.flatMap(labelWords));
    for (const word of seen) counts[c]!.set(word, (counts[c]!.get(word) ?? 0) + 1);
  });
  const clustersWith = new Map<string, number>();
  for (const map of counts)
    for (const word of map.keys()) clustersWith.set(word, (clustersWith.get(word) ?? 0) + 1);
  return counts.map((map) =>
    [...map]
      .map(([word, count]) => [word, count * Math.log(1 + k / (clustersWith.get(word) ?? 1))] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, words)
      .map(([word]) => word)
      .join(" "),
  );
}
