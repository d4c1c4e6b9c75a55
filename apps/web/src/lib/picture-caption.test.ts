import { describe, expect, it, vi } from "vitest";
import type { DatasetIndex, ModelClient, RgbaImage } from "@commonspace/model/client";
import { captionCandidates, captionPicture, datasetNeighbours, pictureCaption } from "./picture-caption";

/** A ranker that scores by a fixed table and records what it was asked. */
function ranker(scores: Record<string, number>) {
  const asked: string[][] = [];
  const rank = async (candidates: string[]) => {
    asked.push(candidates);
    return candidates
      .map((item, index) => ({ item, index, score: scores[item] ?? 0, probability: 0 }))
      .sort((a, b) => b.score - a.score || a.index - b.index);
  };
  return { rank, asked };
}

describe("captionCandidates", () => {
  it("puts the neighbours' captions first and drops empty and repeated ones", () => {
    expect(captionCandidates("red car", ["car", "", "red car", "car ", "truck"])).toEqual([
      "car",
      "red car",
      "truck",
    ]);
    expect(captionCandidates("", [])).toEqual([]);
  });
});

describe("pictureCaption", () => {
  it("shows a neighbour's caption when CLIP puts it closest, and says so", async () => {
    const { rank, asked } = ranker({ car: 0.9, "rde cra": 0.2, truck: 0.5 });
    expect(await pictureCaption("rde cra", ["car", "truck"], rank)).toEqual({
      text: "car",
      source: "dataset",
      own: "rde cra",
    });
    expect(asked).toEqual([["car", "truck", "rde cra"]]);
  });

  it("keeps the model's own caption when it wins", async () => {
    const { rank } = ranker({ "red car": 0.9, car: 0.5 });
    expect(await pictureCaption("red car", ["car"], rank)).toEqual({
      text: "red car",
      source: "model",
      own: "red car",
    });
  });

  it("needs no ranking without neighbours, and finds no words when there are none", async () => {
    const { rank, asked } = ranker({});
    expect(await pictureCaption("sun", [], rank)).toEqual({ text: "sun", source: "model", own: "sun" });
    expect(await pictureCaption("", ["", " "], rank)).toEqual({ text: "", source: "model", own: "" });
    expect(asked).toEqual([]);
  });

  it("falls back to the model's silence with a neighbour's words when the model has none", async () => {
    const { rank } = ranker({ car: 0.3 });
    expect(await pictureCaption("", ["car"], rank)).toEqual({ text: "car", source: "dataset", own: "" });
  });
});

const image = { width: 1, height: 1, data: new Uint8ClampedArray(4) } as unknown as RgbaImage;

/** A client whose index holds `captions` and whose search returns keys `hits`; `fail` opens with an error. */
function indexClient(captions: string[], hits: number[], fail = { times: 0 }) {
  const openDatasetIndex = vi.fn(async () => {
    if (fail.times > 0) {
      fail.times--;
      throw new Error("no index for this version");
    }
    return { index: { images: { caption: captions } } as unknown as DatasetIndex, atlas: undefined };
  });
  const search = vi.fn(async () => hits.map((key) => ({ key, score: 1 })));
  return { openDatasetIndex, search };
}

describe("datasetNeighbours", () => {
  it("opens the index once per version and gives the nearest images' captions", async () => {
    const client = indexClient(["cat", "dog", "sun"], [2, 0]);
    let version = "v1";
    const neighbours = datasetNeighbours(client as never, () => version);
    expect(await neighbours(image)).toEqual(["sun", "cat"]);
    expect(await neighbours(image)).toEqual(["sun", "cat"]);
    expect(client.openDatasetIndex).toHaveBeenCalledTimes(1);
    expect(client.search).toHaveBeenCalledWith("dataset", image, 4);
    version = "v2";
    await neighbours(image);
    expect(client.openDatasetIndex).toHaveBeenCalledTimes(2);
  });

  it("tries again after an opening failed", async () => {
    const client = indexClient(["cat"], [0], { times: 1 });
    const neighbours = datasetNeighbours(client as never, () => "v1");
    await expect(neighbours(image)).rejects.toThrow("no index for this version");
    expect(await neighbours(image)).toEqual(["cat"]);
    expect(client.openDatasetIndex).toHaveBeenCalledTimes(2);
  });
});

/** A client for captionPicture: `caption` as given, `rank` scoring captions by `rank`. */
function captionClient(caption: () => Promise<string>, rank: (c: string[]) => Promise<unknown>) {
  const client = { caption, rank: (_: RgbaImage, c: readonly string[]) => rank([...c]) };
  return client as unknown as Pick<ModelClient, "caption" | "rank">;
}

describe("captionPicture", () => {
  it("asks the model for its best of 8 in the mode given, and lets a closer neighbour caption win", async () => {
    const caption = vi.fn(async () => "rde cra");
    const { rank } = ranker({ car: 0.9, "rde cra": 0.2 });
    const client = captionClient(caption, rank);
    const result = await captionPicture(client, image, "masked", async () => ["car"]);
    expect(caption).toHaveBeenCalledWith(image, { mode: "masked", candidates: 8 });
    expect(result).toEqual({ text: "car", source: "dataset", own: "rde cra" });
  });

  it("keeps the model's own caption when the index cannot be opened, and says why", async () => {
    const { rank, asked } = ranker({});
    const client = captionClient(async () => "sun", rank);
    const result = await captionPicture(client, image, undefined, async () => {
      throw new Error("offline");
    });
    expect(result).toEqual({ text: "sun", source: "model", own: "sun", indexError: "offline" });
    expect(asked).toEqual([]);
  });
});
