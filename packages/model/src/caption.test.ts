import { readFileSync } from "node:fs";
import { Tokenizer } from "@commonspace/tokenizer";
import { describe, expect, it } from "vitest";
import { captionText } from "./caption";

const tokenizer = Tokenizer.fromJson(
  readFileSync(new URL("../../../models/default/tokenizer.json", import.meta.url), "utf8"),
);

describe("captionText", () => {
  it("drops a leading space piece, special tokens and doubled spaces", () => {
    const space = tokenizer.tokenToId("Ġ");
    expect(space).toBeDefined();
    const eot = tokenizer.specialTokenId("<|eot|>");
    const ids = [space as number, ...tokenizer.encode("red apple"), space as number, space as number, eot];
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe(" red apple  ");
    expect(captionText(tokenizer, ids)).toBe("red apple");
  });

  it("keeps an ordinary caption as it decodes", () => {
    expect(captionText(tokenizer, tokenizer.encode("smiling face with sunglasses"))).toBe(
      "smiling face with sunglasses",
    );
    expect(captionText(tokenizer, [])).toBe("");
  });
});
