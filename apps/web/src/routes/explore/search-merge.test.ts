import { describe, expect, it } from "vitest";
import { mergeResults, placeFromNeighbours } from "./search-merge";

describe("mergeResults", () => {
  it("puts an exact-word match ahead of a CLIP-only hit of the same rank", () => {
    const clip = [
      { key: 1, score: 0.9 },
      { key: 2, score: 0.8 },
    ];
    const words = [{ key: 2, score: 1 }];
    expect(mergeResults(clip, words, 5)).toEqual([2, 1]);
  });

  it("keeps CLIP order when there are no word matches, and cuts at k", () => {
    const clip = [3, 1, 2].map((key, i) => ({ key, score: 1 - i / 10 }));
    expect(mergeResults(clip, [], 2)).toEqual([3, 1]);
  });
});

describe("placeFromNeighbours", () => {
  it("weights neighbours by similarity and ignores negative scores", () => {
    expect(
      placeFromNeighbours([
        { x: 0, y: 0, score: 0.75 },
        { x: 1, y: 1, score: 0.25 },
      ]),
    ).toEqual([expect.closeTo(0.25, 5), expect.closeTo(0.25, 5)]);
    expect(placeFromNeighbours([])).toEqual([0, 0]);
  });
});
