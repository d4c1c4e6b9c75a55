// Explore on a version published without a dataset index: the page says why, no search reaches the worker's
// index (there is none; a search would fail a second time with a raw error), and a dropped picture still gets
// the model's own caption. The client is a stand-in that records what the Explorer asks of it.
import type { ModelClient, Ranked, RgbaImage } from "@commonspace/model/client";
import { describe, expect, it } from "vitest";
import type { DeviceModel } from "$lib/device-model.svelte";
import { Explorer } from "./explorer.svelte";

const NO_INDEX = "default@2026.12.02-0000 was published without a dataset index";

function standIn() {
  const calls: string[] = [];
  const client = {
    openDatasetIndex: () => (calls.push("openDatasetIndex"), Promise.reject(new Error(NO_INDEX))),
    search: () => (calls.push("search"), Promise.reject(new Error("no index named dataset"))),
    similar: () => (calls.push("similar"), Promise.reject(new Error("no index named dataset"))),
    caption: (_image: RgbaImage, options: { candidates?: number }) => (
      calls.push(`caption ${options.candidates}`),
      Promise.resolve(" red apple ")
    ),
    rank: (_image: RgbaImage, captions: string[]): Promise<Ranked<string>[]> => (
      calls.push("rank"),
      Promise.resolve(
        captions.map((item, i) => ({ item, index: i, score: -i, probability: 1 / captions.length })),
      )
    ),
  };
  const device = {
    client: client as unknown as ModelClient,
    ready: () => Promise.resolve({ defaultMode: "autoregressive" }),
  } as unknown as DeviceModel;
  return { calls, explorer: new Explorer(device) };
}

const picture: RgbaImage = { width: 1, height: 1, data: new Uint8ClampedArray([200, 20, 20, 255]) };

describe("Explorer on a version without a dataset index", () => {
  it("says why once, and searches by words or by picture never reach the worker", async () => {
    const { calls, explorer } = standIn();
    await explorer.open();
    expect(explorer.phase).toBe("error");
    expect(explorer.failure).toBe(NO_INDEX);
    expect(explorer.points).toEqual([]);
    await explorer.searchText("dog");
    await explorer.searchPicture(picture, "apple.png");
    expect(calls).toEqual(["openDatasetIndex"]);
    expect(explorer.failure).toBe(NO_INDEX); // not replaced by a second, raw error
    expect(explorer.results).toEqual([]);
    expect(explorer.searching).toBe(false);
    expect(explorer.picked?.label).toBe("apple.png");
  });

  it("captions a dropped picture with the model's own best of 8, without neighbours", async () => {
    const { calls, explorer } = standIn();
    await explorer.open();
    await explorer.searchPicture(picture, "apple.png");
    await explorer.captionPicked();
    expect(calls).toEqual(["openDatasetIndex", "caption 8"]);
    expect(explorer.captionFailure).toBeUndefined();
    expect(explorer.pickedCaption).toEqual({ text: "red apple", source: "model", own: " red apple " });
    expect(explorer.captioning).toBe(false);
  });
});
