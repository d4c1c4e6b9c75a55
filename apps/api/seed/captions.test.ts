import { describe, expect, it } from "vitest";
import { MAX_CAPTION_LENGTH, cleanCaption, collectCaptions } from "./captions";

describe("cleanCaption", () => {
  it.each([
    ["RED APPLE", "red apple"],
    ["flag: France", "flag france"],
    ["family: man, woman, girl", "family man woman girl"],
    ["thumbs_up", "thumbs up"],
    ["blue-square", "blue square"],
    ["Food & Drink", "food and drink"],
    ["A button (blood type)", "a button blood type"],
    ["Japanese \u201chere\u201d button", "japanese here button"],
    ["thumbs up: medium-dark skin tone", "thumbs up"],
    ["waving hand 1f3fb", "waving hand"],
    ["skin-tone-2", null],
    ["\u{1F44D}\u{1F3FD} thumbs up", "thumbs up"],
    ["heart\uFE0F", "heart"],
    ["eleven\u00AE", "eleven"],
    ["\u2709 letter", "letter"],
    ["  lots   of\tspace  ", "lots of space"],
    ["+1", "+1"],
    ["keycap: #", "keycap #"],
    ["st. martin", "st. martin"],
    ["1", "1"],
    [":D", null],
    [":)", null],
    ["", null],
    ["---", null],
    ["castile and le\uFFFDn", null],
  ])("cleans %j to %j", (raw, expected) => {
    expect(cleanCaption(raw)).toBe(expected);
  });

  it("cuts a caption over 300 characters at a word boundary", () => {
    const long = Array.from({ length: 80 }, (_, i) => `word${i}`).join(" ");
    const cleaned = cleanCaption(long) ?? "";
    expect(cleaned.length).toBeLessThanOrEqual(MAX_CAPTION_LENGTH);
    expect(long.startsWith(cleaned)).toBe(true);
    expect(long[cleaned.length]).toBe(" ");
  });
});

describe("collectCaptions", () => {
  it("keeps the first candidate first and drops duplicates after cleaning", () => {
    expect(
      collectCaptions(["Red Apple", "red_apple", "apple", undefined, null, ":D", "APPLE", "fruit"]),
    ).toEqual(["red apple", "apple", "fruit"]);
  });

  it("stops at max captions", () => {
    expect(collectCaptions(["a b", "c d", "e f"], { max: 2 })).toEqual(["a b", "c d"]);
  });
});
