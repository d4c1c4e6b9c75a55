// Search latency over a built dataset index, the way the model worker does it (ModelHost: CLIP text embedding,
// then an exact scan of every vector): `node bench/index-search.mjs <bundle-with-index>` (docs/BENCHMARKS.md).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { decodeEmbeddings, parseDatasetIndex } from "../src/dataset-index/index-format";
import { createModel } from "../src/model";
import { loadBundleFromDirectory } from "../src/node/directory";
import { SearchIndexes } from "../src/worker/search-indexes";

export async function main(dir: string): Promise<void> {
  const index = parseDatasetIndex(await readFile(join(dir, "index.json"), "utf8"));
  const vectors = decodeEmbeddings(
    new Uint8Array(await readFile(join(dir, "index-embeddings.bin"))),
    index.count,
    index.dim,
  );
  const indexes = new SearchIndexes();
  let started = performance.now();
  indexes.create(
    "dataset",
    vectors.map((vector, key) => ({ key, vector })),
    index.dim,
  );
  const createMs = performance.now() - started;
  const model = createModel(await loadBundleFromDirectory(dir));
  const queries = ["red apple", "dog", "car", "star", "fire", "blue heart", "house", "tree"];
  await model.embedText(queries); // warm-up: session creation
  const embed: number[] = [];
  const scan: number[] = [];
  for (const end = performance.now() + 8000; performance.now() < end;) {
    for (const q of queries) {
      started = performance.now();
      const [vector] = await model.embedText([q]);
      embed.push(performance.now() - started);
      started = performance.now();
      indexes.search("dataset", vector as Float32Array, 10);
      scan.push(performance.now() - started);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  console.log(
    JSON.stringify({
      images: index.count,
      createMs: Math.round(createMs),
      runs: embed.length,
      embedMedianMs: +median(embed).toFixed(2),
      scanMedianMs: +median(scan).toFixed(2),
    }),
  );
  await model.dispose();
}
