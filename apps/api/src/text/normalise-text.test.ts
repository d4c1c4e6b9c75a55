import { describe, expect, it } from "vitest";
import { normaliseCaption, normaliseText } from "./normalise-text";

describe("normaliseCaption", () => {
  it.each([
    ["  red   apple ", "red apple"],
    ["line\nbreak\ttab", "line break tab"],
    ["ﬁsh ＡＢＣ", "fish ABC"],
    ["e\u0301clair", "éclair"],
    ["bell\u0007 \u202Eevil\u202C", "bell evil"],
    ["👍🏽 thumbs", "👍🏽 thumbs"],
    ["'; DROP TABLE captions; --", "'; DROP TABLE captions; --"],
  ])("normalises %j to %j", (raw, expected) => {
    expect(normaliseCaption(raw)).toBe(expected);
  });

  // Labels first: a lone surrogate in a test name would break the runner's WebSocket frames.
  it.each([
    ["empty", ""],
    ["only controls", "   \u0000\u200e "],
    ["301 characters", "x".repeat(301)],
    ["10,000 characters", "x".repeat(10_000)],
    ["a lone surrogate", "bad \ud800 surrogate"],
  ])("refuses a caption that is %s with 422 invalid_caption", (_label, raw) => {
    expect(() => normaliseCaption(raw)).toThrow(
      expect.objectContaining({ status: 422, code: "invalid_caption" }),
    );
  });

  it("counts code points, not UTF-16 units", () => {
    expect(normaliseCaption("😀".repeat(300))).toHaveLength(600);
  });

  it("names the field in errors", () => {
    expect(() => normaliseText("", { field: "attribution", max: 10 })).toThrow(
      expect.objectContaining({ code: "invalid_attribution" }),
    );
  });
});
