// Special tokens: fixed ids, and finding them inside raw text.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SPECIAL_TOKENS,
  SPECIAL_TOKEN_SLOTS,
  SpecialTokenMatcher,
  reservedToken,
} from "./special-tokens";

describe("default special tokens", () => {
  it("give the named tokens ids 0 to 4 and reserve ids up to 31", () => {
    expect(DEFAULT_SPECIAL_TOKENS.slice(0, 5)).toEqual([
      "<|pad|>",
      "<|bot|>",
      "<|eot|>",
      "<|boi|>",
      "<|boc|>",
    ]);
    expect(DEFAULT_SPECIAL_TOKENS).toHaveLength(SPECIAL_TOKEN_SLOTS);
    expect(DEFAULT_SPECIAL_TOKENS[5]).toBe(reservedToken(0));
    expect(DEFAULT_SPECIAL_TOKENS[31]).toBe("<|reserved_26|>");
    expect(new Set(DEFAULT_SPECIAL_TOKENS).size).toBe(32);
  });
});

describe("SpecialTokenMatcher", () => {
  const matcher = new SpecialTokenMatcher(DEFAULT_SPECIAL_TOKENS.map((content, id) => ({ id, content })));

  it("splits ordinary text from special tokens", () => {
    expect(matcher.split("a<|eot|>b")).toEqual([
      { text: "a" },
      { special: { id: 2, content: "<|eot|>" } },
      { text: "b" },
    ]);
  });

  it("finds adjacent tokens and drops empty ordinary pieces", () => {
    expect(matcher.split("<|pad|><|pad|>").map((segment) => segment.special?.id)).toEqual([0, 0]);
  });

  it("tells <|reserved_1|> from <|reserved_10|>", () => {
    expect(matcher.split("<|reserved_10|><|reserved_1|>").map((segment) => segment.special?.id)).toEqual([
      15, 6,
    ]);
  });

  it("prefers the longest token at the leftmost position", () => {
    const overlapping = new SpecialTokenMatcher([
      { id: 0, content: "<a>" },
      { id: 1, content: "<a><b>" },
    ]);
    expect(overlapping.split("x<a><b><a>").map((segment) => segment.special?.id ?? segment.text)).toEqual([
      "x",
      1,
      0,
    ]);
  });

  it("leaves text without special tokens whole, lookalikes included", () => {
    expect(matcher.split("a <|nope|> <|eot")).toEqual([{ text: "a <|nope|> <|eot" }]);
    expect(matcher.split("")).toEqual([{ text: "" }]);
  });
});
