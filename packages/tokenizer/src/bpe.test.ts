// BPE encoding: hand-checked merges, agreement with a naive reference on short and long words, format errors.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byteId, HAND_MERGES } from "../fixtures/hand-tokenizer";
import { BpeModel, type MergeRule } from "./bpe";
import { BYTE_TO_CHAR, bytesToByteLevel, encodeUtf8 } from "./byte-level";
import { TokenizerFormatError } from "./errors";
import { DEFAULT_SPECIAL_TOKENS } from "./special-tokens";
import { trainBpe } from "./train";

const SPECIAL_IDS = new Set(DEFAULT_SPECIAL_TOKENS.map((_, id) => id));

function model(merges: readonly MergeRule[], extra: string[] = merges.map(([a, b]) => a + b)): BpeModel {
  return new BpeModel({
    vocab: [...DEFAULT_SPECIAL_TOKENS, ...BYTE_TO_CHAR, ...extra],
    merges,
    specialIds: SPECIAL_IDS,
  });
}

function encodeWord(bpe: BpeModel, word: string): number[] {
  const out: number[] = [];
  bpe.encodeWord(word, out);
  return out;
}

/** GPT-2's algorithm, literally: merge every occurrence of the lowest-ranked pair, repeat. */
function referenceTokens(word: string, merges: readonly MergeRule[]): string[] {
  const ranks = new Map(merges.map(([a, b], rank) => [`${a} ${b}`, rank]));
  let symbols = [...bytesToByteLevel(encodeUtf8(word))];
  for (;;) {
    let best = Infinity;
    for (let i = 0; i + 1 < symbols.length; i++)
      best = Math.min(best, ranks.get(`${symbols[i]} ${symbols[i + 1]}`) ?? Infinity);
    if (best === Infinity) return symbols;
    const [left, right] = merges[best] as MergeRule;
    const next: string[] = [];
    for (let i = 0; i < symbols.length; i++) {
      if (symbols[i] === left && symbols[i + 1] === right) next.push(symbols[i++] + right);
      else next.push(symbols[i] as string);
    }
    symbols = next;
  }
}

describe("BpeModel", () => {
  const hand = model(HAND_MERGES);

  it.each([
    ["red", [289]],
    [" apple", [294]],
    ["apple", [byteId("a"), 291, byteId("l"), byteId("e")]],
    [" red", [byteId(" "), 289]],
    ["rered", [288, 289]],
    ["", []],
  ])("encodes %j as %j", (word, ids) => {
    expect(encodeWord(hand, word)).toEqual(ids);
  });

  it("gives the same ids from its word cache and after clearing it", () => {
    const first = encodeWord(hand, " apple");
    expect(encodeWord(hand, " apple")).toEqual(first);
    hand.clearCache();
    expect(encodeWord(hand, " apple")).toEqual(first);
  });

  it("maps ids to bytes, and special ids to none", () => {
    expect(hand.bytesOf(294)).toEqual(encodeUtf8(" apple"));
    expect(hand.bytesOf(0)).toBeNull();
    expect(hand.bytesOf(99_999)).toBeNull();
  });

  it("matches the reference algorithm on short and long words (array and heap paths)", () => {
    const letters = fc.constantFrom("a", "b", "c", " ", "é", "ab", "aaa");
    const corpus = Array.from(
      { length: 400 },
      (_, i) => "abcab aaab cab ééab bbbaaa".slice(i % 7) + " ab".repeat(i % 5),
    );
    const trained = trainBpe(corpus, { vocabSize: 400, minFrequency: 1 }).spec;
    const bpe = new BpeModel({ vocab: trained.vocab, merges: trained.merges, specialIds: SPECIAL_IDS });
    fc.assert(
      fc.property(fc.array(letters, { maxLength: 120 }), (parts) => {
        const word = parts.join("");
        const expected = referenceTokens(word, trained.merges).map((token) => trained.vocab.indexOf(token));
        expect(encodeWord(bpe, word)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it("rejects a vocabulary without every byte", () => {
    const vocab = [...DEFAULT_SPECIAL_TOKENS, ...BYTE_TO_CHAR.slice(1)];
    expect(() => new BpeModel({ vocab, merges: [], specialIds: SPECIAL_IDS })).toThrow(
      /missing the token for byte 0/,
    );
  });

  it("rejects merges of unknown tokens, merges without a result token and repeated merges", () => {
    expect(() => model([["x", "zz"]], [])).toThrow(TokenizerFormatError);
    expect(() => model([["r", "e"]], [])).toThrow(/model\.merges\[0\]/);
    expect(() =>
      model(
        [
          ["r", "e"],
          ["r", "e"],
        ],
        ["re"],
      ),
    ).toThrow(/repeat of model\.merges\[0\]/);
  });

  it("rejects vocabulary strings that are not ByteLevel spellings", () => {
    expect(() => model([], ["a b"])).toThrow(/model\.vocab\["a b"\]/);
  });
});
