import { describe, expect, it } from "vitest";
import { breakWords } from "./word-break";

const vocabulary = new Set([
  "bouquet",
  "flowers",
  "hearts",
  "black",
  "heart",
  "suit",
  "clock",
  "oclock",
  "regional",
]);
vocabulary.add("indicator").add("anguished").add("turn").add("hand");

describe("breakWords", () => {
  it.each([
    ["bouquetofflowers", "bouquet of flowers"],
    ["2hearts", "2 hearts"],
    ["blackheartsuit", "black heart suit"],
    ["clock12oclock", "clock 12 oclock"],
    ["regionalindicatorc", "regional indicator c"],
    ["anguish", "anguish"],
    ["turnedhand", "turned hand"],
    ["zzyzx", "zzyzx"],
  ])("splits %s into %s", (text, words) => {
    expect(breakWords(text, vocabulary).join(" ")).toBe(words);
  });

  it("keeps an unknown run whole rather than in letters", () => {
    expect(breakWords("blacktab", vocabulary)).toEqual(["black", "tab"]);
  });
});
