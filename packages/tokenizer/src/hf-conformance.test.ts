// Conformance: a tokenizer.json written by us and loaded by @huggingface/transformers (from the JSON object,
// no hub, no network) gives the same ids and the same decoded text as this package.
import { PreTrainedTokenizer } from "@huggingface/transformers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCaptionCorpus } from "../fixtures/caption-corpus";
import { createHandTokenizer } from "../fixtures/hand-tokenizer";
import { hostileText } from "../fixtures/unicode-arbitrary";
import { toTokenizerConfigJson } from "./hf-format";
import { Tokenizer } from "./tokenizer";
import { trainBpe } from "./train";

function loadBoth(tokenizer: Tokenizer): { ours: Tokenizer; hf: PreTrainedTokenizer } {
  // Through JSON text, as a file would travel.
  const json = JSON.parse(JSON.stringify(tokenizer.toJson())) as unknown;
  return {
    ours: Tokenizer.fromJson(json),
    hf: new PreTrainedTokenizer(json, toTokenizerConfigJson(tokenizer.spec)),
  };
}

function mismatches(ours: Tokenizer, hf: PreTrainedTokenizer, texts: readonly string[]): string[] {
  const found: string[] = [];
  for (const text of texts) {
    for (const addSpecialTokens of [true, false]) {
      const expected = hf.encode(text, { add_special_tokens: addSpecialTokens });
      const actual = ours.encode(text, { addSpecialTokens });
      if (actual.join() !== expected.join())
        found.push(`encode ${JSON.stringify(text)}: ${actual} vs ${expected}`);
      if (actual.length === 0) continue; // transformers.js refuses to decode an empty list
      for (const skip of [false, true]) {
        const hfText = hf.decode(actual, { skip_special_tokens: skip, clean_up_tokenization_spaces: false });
        const ourText = ours.decode(actual, { skipSpecialTokens: skip });
        if (ourText !== hfText)
          found.push(`decode ${JSON.stringify(text)}: ${JSON.stringify([ourText, hfText])}`);
      }
    }
  }
  return found;
}

describe("conformance with @huggingface/transformers", () => {
  const trained = trainBpe(createCaptionCorpus({ size: 20_000, seed: 11 }), { vocabSize: 4096 });
  const { ours, hf } = loadBoth(trained);

  it("gives identical ids and text on 12,000 distinct held-out captions", () => {
    const captions = createCaptionCorpus({ size: 12_000, seed: 12 });
    expect(new Set(captions).size).toBe(12_000);
    expect(mismatches(ours, hf, captions)).toEqual([]);
  });

  it("gives identical ids on arbitrary hostile Unicode, special-token text included", () => {
    fc.assert(
      fc.property(
        hostileText(60),
        fc.constantFrom("", "<|eot|>", "<|PAD|>", "<|reserved_2|>"),
        (text, extra) => {
          expect(mismatches(ours, hf, [text + extra + text, extra + text])).toEqual([]);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("agrees on the hand-made tokenizer's edge cases", () => {
    const both = loadBoth(createHandTokenizer());
    const texts = [
      "",
      " ",
      "Red Apple",
      "red<|eot|>apple",
      " <|bot|> ",
      "<|EOT|>",
      "\ud800",
      "\ud83d\u00ad\ude00",
    ];
    expect(mismatches(both.ours, both.hf, texts)).toEqual([]);
  });

  it("agrees on vocabulary lookups and special ids", () => {
    expect(hf.get_vocab().size).toBe(ours.vocabSize);
    for (const id of [0, 1, 2, 31, 32, 287, 288, ours.vocabSize - 1]) {
      const token = ours.idToToken(id) as string;
      expect(hf.convert_tokens_to_ids(token)).toBe(id);
    }
    expect([hf.pad_token_id, hf.bos_token_id, hf.eos_token_id]).toEqual([0, 1, 2]);
  });

  it("pads like transformers.js when the caption fits", () => {
    for (const text of ["red apple", "a 🍎 on a blue background", ""]) {
      const batch = hf._call(text, {
        padding: "max_length",
        max_length: 16,
        truncation: true,
        return_tensor: false,
      });
      const fixed = ours.encodeFixed(text, 16);
      expect([...fixed.ids]).toEqual(batch.input_ids);
      expect([...fixed.attentionMask]).toEqual(batch.attention_mask);
    }
  });
});
