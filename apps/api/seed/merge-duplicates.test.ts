import { describe, expect, it } from "vitest";
import { mergeDuplicates, type PlacedImage } from "./merge-duplicates";

const placed = (sha: string, concept: string, captions: string[], source = "s"): PlacedImage => ({
  sha256: sha.repeat(64),
  source,
  licence: "MIT",
  attribution: "a",
  concept,
  category: "",
  captions,
});

describe("mergeDuplicates", () => {
  it("keeps one item per image in first-seen order", () => {
    const items = mergeDuplicates([
      placed("a", "name:x", ["ex one"]),
      placed("b", "name:y", ["why"]),
      placed("a", "name:x", ["ex two"]),
    ]);
    expect(items.map((i) => [i.sha256[0], i.captions])).toEqual([
      ["a", ["ex one", "ex two"]],
      ["b", ["why"]],
    ]);
  });

  it("gives a shared image to the concept with more images and names the others after its canonical caption", () => {
    const items = mergeDuplicates([
      placed("c", "emoji:clipperton", ["flag clipperton island", "cp"], "google"),
      placed("c", "emoji:france", ["flag france", "fr"], "google"),
      placed("f", "emoji:france", ["flag france"], "twitter"),
    ]);
    expect(items[0]).toMatchObject({
      concept: "emoji:france",
      captions: ["flag france", "flag clipperton island", "fr"],
    });
  });
});
