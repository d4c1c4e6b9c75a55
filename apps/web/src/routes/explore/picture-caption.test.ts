import { describe, expect, it } from "vitest";
import { captionCandidates, pictureCaption } from "./picture-caption";

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
