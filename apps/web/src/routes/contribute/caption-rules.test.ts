import { describe, expect, it } from "vitest";
import { captionProblem, normaliseCaption } from "./caption-rules";

describe("caption rules", () => {
  it("normalises as the API does: NFKC, invisible characters out, whitespace collapsed", () => {
    expect(normaliseCaption("  ｒｅｄ\u200B  apple\n")).toBe("red apple");
  });

  it("refuses an empty caption, one of only zero-width characters, and one over 300 code points", () => {
    expect(captionProblem("")).toContain("few words");
    expect(captionProblem("\u200B\u200D\u200B")).toContain("invisible");
    expect(captionProblem("🍎".repeat(301))).toContain("301 characters");
    expect(captionProblem("a red kite")).toBeUndefined();
  });
});
