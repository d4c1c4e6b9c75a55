// tokenizer.json: what we write, that it reads back to the same tokenizer, and what we refuse to load.
import { describe, expect, it } from "vitest";
import { createHandTokenizer } from "../fixtures/hand-tokenizer";
import { TokenizerFormatError } from "./errors";
import { HF_NORMALIZER, parseTokenizerJson, toTokenizerConfigJson, type TokenizerJson } from "./hf-format";
import { PRE_TOKENIZE_PATTERN } from "./pre-tokenize";
import { Tokenizer } from "./tokenizer";

const hand = createHandTokenizer();

function edited(edit: (json: TokenizerJson) => void): TokenizerJson {
  const json = JSON.parse(JSON.stringify(hand.toJson())) as TokenizerJson;
  edit(json);
  return json;
}

describe("toTokenizerJson", () => {
  const json = hand.toJson();

  it("writes a byte-level BPE model with merges as pairs", () => {
    expect(json.model.type).toBe("BPE");
    expect(Object.keys(json.model.vocab)).toHaveLength(295);
    expect(json.model.vocab["Ġapple"]).toBe(294);
    expect(json.model.merges[0]).toEqual(["r", "e"]);
  });

  it("writes the special tokens as special, unnormalised added tokens", () => {
    expect(json.added_tokens).toHaveLength(32);
    expect(json.added_tokens[2]).toEqual({
      id: 2,
      content: "<|eot|>",
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
  });

  it("spells the pipeline in Hugging Face terms", () => {
    const steps = (json.normalizer as { normalizers: { type: string }[] }).normalizers.map(
      (step) => step.type,
    );
    expect(steps).toEqual(["Replace", "NFKC", "Lowercase", "NFKC", "Replace", "Strip"]);
    expect(JSON.stringify(json.pre_tokenizer)).toContain(JSON.stringify(PRE_TOKENIZE_PATTERN));
    expect(json.decoder).toMatchObject({ type: "ByteLevel" });
    expect(json.post_processor).toMatchObject({ type: "TemplateProcessing" });
  });

  it("writes a tokenizer_config.json naming pad, bos and eos", () => {
    expect(toTokenizerConfigJson(hand.spec)).toMatchObject({
      pad_token: "<|pad|>",
      bos_token: "<|bot|>",
      eos_token: "<|eot|>",
      clean_up_tokenization_spaces: false,
    });
  });
});

describe("Tokenizer.fromJson", () => {
  it("reads back the same tokenizer, from an object or from JSON text", () => {
    for (const source of [hand.toJson(), JSON.stringify(hand.toJson())]) {
      const loaded = Tokenizer.fromJson(source);
      expect(loaded.spec).toEqual(hand.spec);
      expect(loaded.encode("Red Apple <|eot|>", { addSpecialTokens: true })).toEqual([1, 289, 294, 2, 2]);
    }
  });

  it("accepts merges in the older space-separated form", () => {
    const json = edited(
      (j) => ((j.model as { merges: unknown }).merges = j.model.merges.map((m) => m.join(" "))),
    );
    expect(Tokenizer.fromJson(json).spec.merges).toEqual(hand.spec.merges);
  });

  it("keeps a token spelled __proto__", () => {
    const json = JSON.parse(
      JSON.stringify(hand.toJson()).replace('"Ġapple":294', '"__proto__":295,"Ġapple":294'),
    );
    expect(parseTokenizerJson(json).vocab[295]).toBe("__proto__");
  });

  it.each([
    [
      "a foreign normaliser",
      (j: TokenizerJson) => (j.normalizer = { type: "NFC" }),
      /`normalizer`.*NFC.*expected/,
    ],
    ["a missing normaliser", (j: TokenizerJson) => (j.normalizer = null), /`normalizer` is null/],
    [
      "another pre-tokenizer",
      (j: TokenizerJson) => (j.pre_tokenizer = { type: "Whitespace" }),
      /`pre_tokenizer`/,
    ],
    [
      "another model type",
      (j: TokenizerJson) => ((j.model as { type: string }).type = "WordPiece"),
      /`model.type`/,
    ],
    [
      "a merge of unknown tokens",
      (j: TokenizerJson) => j.model.merges.unshift(["q", "zz"]),
      /`model.merges\[0\]`/,
    ],
    [
      "a malformed merge",
      (j: TokenizerJson) => ((j.model.merges as unknown[])[1] = 7),
      /`model.merges\[1\]` is 7/,
    ],
    ["two tokens with one id", (j: TokenizerJson) => (j.model.vocab["Ġapple"] = 293), /a unique id/],
    ["a hole in the ids", (j: TokenizerJson) => (j.model.vocab["Ġapple"] = 300), /without id 294/],
    ["byte fallback", (j: TokenizerJson) => (j.model.byte_fallback = true), /`model.byte_fallback` is true/],
    [
      "a non-special added token",
      (j: TokenizerJson) => ((j.added_tokens[0] as { special: boolean }).special = false),
      /added_tokens\[0\]/,
    ],
    [
      "an added token that strips",
      (j: TokenizerJson) => ((j.added_tokens[1] as { lstrip: boolean }).lstrip = true),
      /added_tokens\[1\].lstrip/,
    ],
    [
      "an added token at another token's id",
      (j: TokenizerJson) => ((j.added_tokens[0] as { id: number }).id = 289),
      /"red"/,
    ],
    [
      "a padding setting",
      (j: TokenizerJson) => ((j as { padding: unknown }).padding = { strategy: "BatchLongest" }),
      /`padding`/,
    ],
  ])("rejects %s with a TokenizerFormatError naming the field", (_name, edit, message) => {
    const json = edited(edit);
    expect(() => Tokenizer.fromJson(json)).toThrow(TokenizerFormatError);
    expect(() => Tokenizer.fromJson(json)).toThrow(message);
  });

  it("says how to fix a foreign file", () => {
    expect(() =>
      Tokenizer.fromJson(edited((j) => (j.normalizer = HF_NORMALIZER && { type: "NFD" }))),
    ).toThrow(/Fix: .*commonspace-tokenizer train/);
  });

  it("rejects text that is not JSON", () => {
    expect(() => Tokenizer.fromJson("{not json")).toThrow(/`\(root\)` is not JSON/);
  });
});
