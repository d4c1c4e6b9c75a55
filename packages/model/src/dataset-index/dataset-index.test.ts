// The dataset index end to end on the tiny bundle (random weights: these tests check plumbing, not search
// quality; tests/browser/explore.test.ts checks quality with models/default): build, write beside the bundle,
// open through the worker protocol (only when asked), search, "more like this", and the pieces on their own.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TINY_BUNDLE_DIR } from "../../test/bundle-under-test";
import { createWorkerPair, staticFetch, type WorkerPair } from "../../test/worker-pair";
import { createImage, type RgbaImage } from "../image";
import { createModel } from "../model";
import { loadBundleFromDirectory } from "../node/directory";
import { decodePng } from "../png";
import { DATASET_INDEX_NAME } from "../worker/protocol";
import { buildAtlas, thumbnail } from "./atlas";
import { writeBundleWithIndex, imagesOfExport } from "./build-cli";
import { buildDatasetIndex, type IndexItem } from "./build-index";
import { clusterMap, labelWords } from "./clusters";
import { decodeEmbeddings, encodeEmbeddings, parseDatasetIndex } from "./index-format";
import { layoutEmbeddings } from "./layout";

const BASE = "http://static.test/with-index/";

function square(rgb: [number, number, number]): RgbaImage {
  const image = createImage(32, 32);
  for (let p = 0; p < image.data.length; p += 4) image.data.set([...rgb, 255], p);
  return image;
}

const ITEMS: IndexItem[] = ["red", "green", "blue", "yellow", "purple", "orange"].map((colour, i) => ({
  sha256: String(i).repeat(64),
  image: square([(i * 53) % 256, (i * 97) % 256, (i * 151) % 256]),
  source: i % 2 ? "test-a" : "test-b",
  licence: i % 3 ? "CC0-1.0" : "CC-BY-4.0",
  attribution: "fixture",
  captions: [`${colour} square`, `a ${colour} tile`],
}));

describe("index files", () => {
  it("round-trips embeddings through int8 with a scale per row within 1 %", () => {
    const vectors = [Float32Array.from([0.6, -0.8, 0]), Float32Array.from([0.1, 0.2, -0.97])];
    const decoded = decodeEmbeddings(encodeEmbeddings(vectors, 3), 2, 3);
    decoded.forEach((v, i) => v.forEach((x, d) => expect(x).toBeCloseTo(vectors[i]![d]!, 2)));
    expect(() => decodeEmbeddings(new Uint8Array(5), 2, 3)).toThrow(/14 \(2 × 3 int8/);
  });

  it("refuses an index.json whose columns do not match its count", () => {
    expect(() => parseDatasetIndex('{"format":"nope"}')).toThrow(/commonspace-dataset-index\/1/);
  });

  it("lays out with PCA and UMAP inside [-1, 1], and labels clusters by distinctive words", () => {
    const vectors = Array.from({ length: 40 }, (_, i) =>
      Float32Array.from({ length: 8 }, (__, d) => (d === i % 2 ? 1 : 0) + Math.sin(i * 7 + d) * 0.05),
    );
    for (const method of ["pca", "umap"] as const) {
      const { x, y, params } = layoutEmbeddings(vectors, { method, epochs: 50 });
      expect(params.method).toBe(method);
      for (const v of [...x, ...y]) expect(Math.abs(v)).toBeLessThanOrEqual(0.95 + 1e-6);
      const captions = vectors.map((_, i) => [i % 2 ? "red apple fruit" : "blue car fruit"]);
      const { clusters, assignment } = clusterMap(x, y, captions, { k: 2, words: 1 });
      for (const c of clusters) expect(["red", "apple", "blue", "car"]).toContain(c.label);
      // Both parities end in different clusters, each named by its own word (never by the shared "fruit").
      expect(new Set(assignment.filter((_, i) => i % 2 === 0)).size).toBe(1);
      expect(clusters.map((c) => c.label)).not.toContain("fruit");
    }
    expect(labelWords("A red-apple on the TABLE")).toEqual(["red", "apple", "table"]);
  });

  it("thumbnails keep the aspect ratio and the atlas puts image i at column i % columns", () => {
    const wide = createImage(64, 32);
    wide.data.fill(255);
    const thumb = thumbnail(wide, 8);
    expect(thumb.data[3]).toBe(0); // the top row stays transparent: 8×4 centred
    expect(thumb.data[2 * 8 * 4 + 3]).toBe(255);
    const { image, columns } = buildAtlas([thumb, thumb, thumb, thumb, thumb], 8);
    expect([columns, image.width, image.height]).toEqual([3, 24, 16]);
  });

  it("groups export pair rows by image, and reads seed rows", () => {
    const image = { sha256: "a".repeat(64), source: "s", licence: "MIT", attribution: "x" };
    const rows = [
      JSON.stringify({ type: "pair", image, caption: { id: "1", text: "red apple" } }),
      JSON.stringify({ type: "pair", image, caption: { id: "2", text: "apple" } }),
      JSON.stringify({ type: "end", next_cursor: null }),
      JSON.stringify({ ...image, sha256: "b".repeat(64), captions: ["car"] }),
    ];
    const grouped = [...imagesOfExport(rows).values()];
    expect(grouped.map((g) => [g.sha256[0], g.captions])).toEqual([
      ["a", ["red apple", "apple"]],
      ["b", ["car"]],
    ]);
  });
});

describe("a bundle with its dataset index", () => {
  let dir: string;
  let pair: WorkerPair;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dataset-index-"));
    const model = createModel(await loadBundleFromDirectory(TINY_BUNDLE_DIR));
    const built = await buildDatasetIndex(model, ITEMS, { layout: { method: "umap", epochs: 50 }, tile: 8 });
    await model.dispose();
    await writeBundleWithIndex(TINY_BUNDLE_DIR, dir, built.files);
    pair = createWorkerPair({ fetch: staticFetch(dir, BASE) });
  });
  afterAll(async () => {
    pair?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("loads the model without the index, and opens the index only when asked", async () => {
    const client = pair.client();
    const requested: string[] = [];
    const loaded = await client.load({ url: BASE });
    expect(loaded.card.files.map((f) => f.role)).toEqual(
      expect.arrayContaining(["dataset-index", "dataset-embeddings", "dataset-atlas"]),
    );
    requested.push(...loaded.card.files.filter((f) => f.role.startsWith("dataset")).map((f) => f.name));
    const { index, atlas } = await client.openDatasetIndex();
    expect(index.count).toBe(ITEMS.length);
    expect(index.images.sha256).toEqual(ITEMS.map((item) => item.sha256));
    expect(index.sources).toEqual(["test-b", "test-a"]);
    expect(index.clusters.length).toBeGreaterThan(0);
    const atlasImage = await decodePng(atlas as Uint8Array);
    expect(atlasImage.width).toBe(8 * (index.atlas?.columns ?? 0));
    expect(requested).toHaveLength(3);
  });

  it("finds an indexed image by its own picture and by key, itself first", async () => {
    const client = pair.client();
    await client.load({ url: BASE });
    await client.openDatasetIndex();
    const [byImage] = await client.search(DATASET_INDEX_NAME, ITEMS[2]!.image, 3);
    expect(byImage).toMatchObject({ key: 2 });
    expect(byImage!.score).toBeGreaterThan(0.99); // int8 embeddings
    const similar = await client.similar(DATASET_INDEX_NAME, 4, 3);
    expect(similar[0]).toMatchObject({ key: 4 });
    expect(similar).toHaveLength(3);
    const [vector] = await client.embedImage([ITEMS[1]!.image]);
    await client.addToIndex(DATASET_INDEX_NAME, [{ key: "new", vector: vector! }]);
    expect((await client.search(DATASET_INDEX_NAME, vector!, 1))[0]?.key).toMatch(/new|1/);
  });

  it("says how to build an index when the version has none", async () => {
    const other = createWorkerPair({ fetch: staticFetch(TINY_BUNDLE_DIR, BASE) });
    const client = other.client();
    await client.load({ url: BASE });
    await expect(client.openDatasetIndex()).rejects.toThrow(/build-index\.mjs/);
    other.close();
  });
});
