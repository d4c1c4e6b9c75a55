// Normalisation: a table of hand-checked cases, and properties against a step-by-step reference.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostileText } from "../fixtures/unicode-arbitrary";
import { INVISIBLE_CHARACTERS_SOURCE, normalize } from "./normalize";

/** The documented steps, written out one by one with no fast path. */
function reference(text: string): string {
  const visible = text.replace(new RegExp(INVISIBLE_CHARACTERS_SOURCE, "gu"), "");
  const wellFormed = visible.replace(/[\uD800-\uDFFF]/gu, "\uFFFD");
  const folded = wellFormed.normalize("NFKC").toLowerCase().normalize("NFKC");
  return folded.replace(/\p{White_Space}+/gu, " ").trim();
}

describe("normalize", () => {
  it.each([
    ["lower-cases captions", "Red Apple", "red apple"],
    ["collapses and trims white space", "  red\t\tapple\r\n", "red apple"],
    ["folds ligatures by NFKC", "ﬁsh", "fish"],
    ["folds full-width letters", "Ｒｅｄ", "red"],
    ["folds circled digits", "①", "1"],
    ["folds roman numerals and lower-cases them", "Ⅻ", "xii"],
    ["composes a combining accent", "e\u0301", "é"],
    ["composes half-width katakana with its voicing mark", "ﾊﾟ", "パ"],
    ["turns exotic spaces into one space", "\u00a0red\u3000\u2003apple\u2028", "red apple"],
    ["treats NEL as white space", "red\u0085apple", "red apple"],
    ["removes control characters", "red\u0000ap\u0007ple\u001b", "redapple"],
    ["removes the soft hyphen", "soft\u00adhyphen", "softhyphen"],
    ["removes zero-width space and word joiner", "zero\u200bwid\u2060th", "zerowidth"],
    ["removes a byte-order mark", "\ufeffbom", "bom"],
    ["keeps zero-width joiners of emoji sequences", "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"],
    ["keeps right-to-left marks", "\u200fשלום", "\u200fשלום"],
    ["replaces an unpaired high surrogate", "\ud800", "\ufffd"],
    ["replaces an unpaired low surrogate", "a\udc00b", "a\ufffdb"],
    ["re-joins a pair split by a removed character", "\ud83d\u00ad\ude00", "😀"],
    ["uses the final sigma", "ΟΔΟΣ", "οδος"],
    ["keeps the dot of a dotted capital I", "İ", "i\u0307"],
    ["lower-cases a title-case digraph", "ǅ", "dž"],
    ["trims the space NFKC puts before a spacing diaeresis", "¨", "\u0308"],
    ["returns the empty string when nothing visible remains", " \u200b\t\u0000 ", ""],
  ])("%s", (_name, input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it("follows the documented steps for any text", () => {
    fc.assert(
      fc.property(hostileText(), (text) => {
        expect(normalize(text)).toBe(reference(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("takes the printable-ASCII fast path without changing the result", () => {
    const ascii = fc.string({ unit: "grapheme-ascii", maxLength: 40 });
    fc.assert(
      fc.property(ascii, (text) => {
        expect(normalize(text)).toBe(reference(text));
      }),
      { numRuns: 500 },
    );
  });

  it("is idempotent and leaves only single inner spaces, NFKC and well-formed UTF-16", () => {
    fc.assert(
      fc.property(hostileText(), (text) => {
        const normalized = normalize(text);
        expect(normalize(normalized)).toBe(normalized);
        expect(normalized.normalize("NFKC")).toBe(normalized);
        expect(normalized).not.toMatch(/[\uD800-\uDFFF]/u);
        expect(normalized).not.toMatch(new RegExp(INVISIBLE_CHARACTERS_SOURCE, "u"));
        expect(normalized).not.toMatch(/^ | $| {2}|[^\P{White_Space} ]/u);
      }),
      { numRuns: 2000 },
    );
  });
});
