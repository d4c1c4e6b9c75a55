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
    ["zero-width space, joiner, space", "\u200B\u200D\u200B"],
    ["only format characters", "\u2060\u00AD\uFEFF\u200C"],
    ["variation selectors", "\uFE0F\uFE0F"],
    ["a Hangul filler", "\u3164"],
    ["a blank Braille pattern and spaces", " \u2800 "],
    ["combining marks without a base", "\u0301\u0308"],
  ])("refuses a caption that is %s with 422 invalid_caption", (_label, raw) => {
    expect(() => normaliseCaption(raw)).toThrow(
      expect.objectContaining({ status: 422, code: "invalid_caption" }),
    );
  });

  it("removes zero-width characters inside text but keeps the joiners emoji and scripts need", () => {
    expect(normaliseCaption("red\u200Bapple\u2060")).toBe("redapple");
    expect(normaliseCaption("\u{1F469}\u200D\u{1F4BB} coder")).toBe("\u{1F469}\u200D\u{1F4BB} coder");
    expect(normaliseCaption("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645")).toContain("\u200C");
  });

  it("lets an optional field be empty, but not invisible", () => {
    expect(normaliseText("", { field: "attribution", min: 0, max: 10 })).toBe("");
    expect(normaliseText("\u200B", { field: "attribution", min: 0, max: 10 })).toBe("");
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
