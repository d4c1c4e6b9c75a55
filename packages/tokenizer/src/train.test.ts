// BPE training: id layout, determinism, stopping rules and option errors.
import { describe, expect, it } from "vitest";
import { createCaptionCorpus } from "../fixtures/caption-corpus";
import { BYTE_TO_CHAR } from "./byte-level";
import { TokenizerOptionError } from "./errors";
import { DEFAULT_SPECIAL_TOKENS } from "./special-tokens";
import { trainBpe } from "./train";

describe("trainBpe", () => {
  const corpus = createCaptionCorpus({ size: 3000, seed: 5 });

  it("lays out ids as special tokens, then the 256 bytes, then merges", () => {
    const { spec } = trainBpe(corpus, { vocabSize: 600 });
    expect(spec.vocab.slice(0, 32)).toEqual(DEFAULT_SPECIAL_TOKENS);
    expect(spec.vocab.slice(32, 288)).toEqual(BYTE_TO_CHAR);
    expect(spec.vocab).toHaveLength(600);
    expect(spec.specialTokens.map((token) => token.id)).toEqual([...Array(32).keys()]);
    const [left, right] = spec.merges[0] as [string, string];
    expect(spec.vocab[288]).toBe(left + right);
  });

  it("is deterministic", () => {
    const a = trainBpe(corpus, { vocabSize: 500 }).spec;
    const b = trainBpe(corpus, { vocabSize: 500 }).spec;
    expect(b.merges).toEqual(a.merges);
    expect(b.vocab).toEqual(a.vocab);
  });

  it("learns a frequent caption as one token per word", () => {
    const tokenizer = trainBpe(Array(50).fill("Red Apple"), { vocabSize: 400 });
    expect(tokenizer.encode("red apple").map((id) => tokenizer.idToToken(id))).toEqual(["red", "Ġapple"]);
  });

  it("stops below vocabSize when no pair reaches minFrequency", () => {
    expect(trainBpe(["ab", "cd"], { vocabSize: 400 }).vocabSize).toBe(288);
    expect(trainBpe(["ab", "cd"], { vocabSize: 400, minFrequency: 1 }).vocabSize).toBe(290);
  });

  it("never learns special-token text from the corpus", () => {
    const tokenizer = trainBpe(Array(20).fill("<|pad|>"), { vocabSize: 400, minFrequency: 1 });
    expect(tokenizer.vocabSize).toBe(288);
  });

  it("gives custom special tokens the lowest ids in the given order", () => {
    const tokenizer = trainBpe(["x"], { vocabSize: 300, specialTokens: ["[PAD]", "[EOS]"] });
    expect(tokenizer.specialTokenId("[EOS]")).toBe(1);
    expect(tokenizer.idToToken(2)).toBe(BYTE_TO_CHAR[0]);
  });

  it("rejects a vocabSize without room for specials and bytes, naming the minimum", () => {
    expect(() => trainBpe(corpus, { vocabSize: 100 })).toThrow(TokenizerOptionError);
    expect(() => trainBpe(corpus, { vocabSize: 100 })).toThrow(/\[288, /);
  });

  it("rejects duplicate special tokens and a minFrequency below 1", () => {
    expect(() => trainBpe(corpus, { vocabSize: 400, specialTokens: ["<a>", "<a>"] })).toThrow(
      /no token twice/,
    );
    expect(() => trainBpe(corpus, { vocabSize: 400, minFrequency: 0 })).toThrow(/minFrequency/);
  });
});
