import { beforeAll, describe, expect, test } from "vitest";
import { BUNDLE_DIR } from "../test/bundle-under-test";
import { createEmbeddingIndex } from "./embedding-index";
import { ModelOptionError } from "./errors";
import { createImage, type RgbaImage } from "./image";
import { createModel, type Model } from "./model";
import { loadBundleFromDirectory } from "./node/directory";

let model: Model;

function solid(rgb: [number, number, number], size = 32): RgbaImage {
  const image = createImage(size, size);
  for (let i = 0; i < image.data.length; i += 4) image.data.set([...rgb, 255], i);
  return image;
}

beforeAll(async () => {
  model = createModel(await loadBundleFromDirectory(BUNDLE_DIR));
});

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe("Model", () => {
  test("embeds captions and images as unit vectors of the card's size", async () => {
    const texts = await model.embedText(["red apple", "blue square", ""]);
    const images = await model.embedImage([solid([255, 0, 0]), solid([0, 0, 255], 64)]);
    for (const v of [...texts, ...images]) {
      expect(v).toHaveLength(model.card.clip.embedDim);
      expect(norm(v)).toBeCloseTo(1, 4);
    }
  });

  test("embeds a caption the same alone or in a batch", async () => {
    const [alone] = await model.embedText(["green circle"]);
    const [, batched] = await model.embedText(["red apple", "green circle"]);
    alone!.forEach((x, i) => expect(x).toBeCloseTo(batched![i] as number, 5));
  });

  test("ranks captions for an image and images for a caption, best first with probabilities", async () => {
    const captions = ["red circle", "blue square", "green triangle"];
    const ranked = await model.rank(solid([255, 0, 0]), captions);
    expect(ranked.map((r) => r.item).sort()).toEqual([...captions].sort());
    expect(ranked.map((r) => r.score)).toEqual(ranked.map((r) => r.score).sort((a, b) => b - a));
    expect(ranked.reduce((s, r) => s + r.probability, 0)).toBeCloseTo(1, 6);
    const images = [solid([255, 0, 0]), solid([0, 0, 255])];
    const byCaption = await model.rank("red circle", images);
    expect(byCaption.map((r) => r.index).sort()).toEqual([0, 1]);
    expect(byCaption[0]?.item).toBe(images[byCaption[0]!.index]);
  });

  test("refuses to rank a mix of captions and images", async () => {
    await expect(model.rank("red", [solid([1, 2, 3]), "x"] as unknown as RgbaImage[])).rejects.toBeInstanceOf(
      ModelOptionError,
    );
  });

  test("encodes an image to G × G codes in range and decodes codes to model-size images", async () => {
    const [codes] = await model.encodeImages([solid([0, 200, 0])]);
    const { grid, res, codebookSize } = model.card.vq;
    expect(codes).toHaveLength(grid * grid);
    expect(Array.from(codes!).every((c) => c >= 0 && c < codebookSize)).toBe(true);
    const [image] = await model.decodeCodes([codes!]);
    expect([image?.width, image?.height]).toEqual([res, res]);
    expect(image?.data.every((_, i) => i % 4 !== 3 || image.data[i] === 255)).toBe(true);
  });

  test("captions an image through the reverse stream, the same way twice", async () => {
    const image = solid([255, 0, 0]);
    const first = await model.caption(image);
    expect(typeof first).toBe("string");
    expect(first).not.toMatch(/<\|/);
    expect(await model.caption(image)).toBe(first);
    expect(typeof (await model.caption(image, { temperature: 1, seed: 4 }))).toBe("string");
  });

  test("searches an index of image embeddings by a caption embedding", async () => {
    const index = createEmbeddingIndex<string>(model.card.clip.embedDim);
    const colours: Record<string, [number, number, number]> = {
      red: [255, 0, 0],
      green: [0, 255, 0],
      blue: [0, 0, 255],
    };
    const vectors = await model.embedImage(Object.values(colours).map((c) => solid(c)));
    Object.keys(colours).forEach((name, i) => index.add(name, vectors[i]!));
    const [query] = await model.embedText(["red"]);
    const hits = index.search(query!, 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
    // The same vectors ranked through the model agree with the index.
    const ranked = await model.rank(
      "red",
      Object.values(colours).map((c) => solid(c)),
    );
    expect(hits[0]!.score).toBeCloseTo(ranked[0]!.score, 5);
  });
});
