// Pre-tokenization: hand-checked splits, and the pieces always concatenate back to the input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostileText } from "../fixtures/unicode-arbitrary";
import { forEachPreToken, preTokenize } from "./pre-tokenize";

describe("preTokenize", () => {
  it.each([
    ["words keep their leading space", "red apple", ["red", " apple"]],
    ["contractions split off", "red apple's 2 🍎🍎!", ["red", " apple", "'s", " 2", " 🍎🍎!"]],
    ["'t is a contraction", "don't", ["don", "'t"]],
    ["an apostrophe before a longer word is punctuation", "'sun", ["'", "sun"]],
    ["Devanagari keeps its vowel signs and virama", "नमस्ते दुनिया", ["नमस्ते", " दुनिया"]],
    ["a keycap stays one piece", "1️⃣ keycap", ["1️⃣", " keycap"]],
    ["a ZWJ family stays one piece", "👨‍👩‍👧 family", ["👨‍👩‍👧", " family"]],
    ["a skin-tone emoji stays one piece", "👍🏽 ok", ["👍🏽", " ok"]],
    ["right-to-left words split on spaces", "مرحبا بالعالم", ["مرحبا", " بالعالم"]],
    ["CJK without spaces is one piece", "中文字符", ["中文字符"]],
    ["digits split from letters", "v2 1st", ["v", "2", " 1", "st"]],
    ["runs of unnormalised white space stay together", "a  b", ["a", "  ", "b"]],
    ["the empty string has no pieces", "", []],
  ])("%s", (_name, text, expected) => {
    expect(preTokenize(text)).toEqual(expected);
  });

  it("covers every character: the pieces join back to the input", () => {
    fc.assert(
      fc.property(hostileText(80), (text) => {
        const pieces = preTokenize(text);
        expect(pieces.join("")).toBe(text);
        expect(pieces.every((piece) => piece.length > 0)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("survives a visitor that pre-tokenizes too", () => {
    const outer: string[] = [];
    forEachPreToken("red apple pie", (piece) => {
      preTokenize("inner text");
      outer.push(piece);
    });
    expect(outer).toEqual(["red", " apple", " pie"]);
  });
});
