import { describe, expect, it } from "vitest";
import { emojiConcept, hasPrivateUseCodePoint, nameConcept, normaliseUnified } from "./concept";
import { SeedSourceError } from "./errors";
import { iconNameWords } from "./icon-name";

describe("emoji concepts", () => {
  it.each([
    ["1F34E", "emoji:1f34e"],
    ["1F1EB-1F1F7", "emoji:1f1eb-1f1f7"],
    ["2764-FE0F", "emoji:2764"],
    ["0023-FE0F-20E3", "emoji:0023-20e3"],
    ["1F3F3-FE0F-200D-1F308", "emoji:1f3f3-200d-1f308"],
    ["1f3f3_fe0f_200d_1f308", "emoji:1f3f3-200d-1f308"],
    ["U+1F600", "emoji:1f600"],
  ])("maps %s to %s", (unified, concept) => {
    expect(emojiConcept(unified)).toBe(concept);
  });

  it("gives the same concept with and without variation selectors", () => {
    expect(normaliseUnified("2764-FE0F")).toBe(normaliseUnified("2764"));
  });

  it("rejects text that is not code points, naming it", () => {
    expect(() => emojiConcept("red apple")).toThrow(SeedSourceError);
    expect(() => emojiConcept("FE0F")).toThrow(/"FE0F"/);
  });

  it("detects private-use code points of OpenMoji extras", () => {
    expect(hasPrivateUseCodePoint("E000")).toBe(true);
    expect(hasPrivateUseCodePoint("E0AC-200D-2640-FE0F")).toBe(true);
    expect(hasPrivateUseCodePoint("1F3F4-E0067-E0062-E0065-E006E-E0067-E007F")).toBe(false);
  });
});

describe("name concepts", () => {
  it.each([
    ["shopping-cart", {}, "name:shopping cart"],
    ["add-1-flat", { styleSuffixes: ["flat"] }, "name:add"],
    ["add-circle-24", {}, "name:add circle"],
    ["clock-2-oclock", {}, "name:clock oclock"],
    ["3d-coordinate-axis", {}, "name:3d coordinate axis"],
    ["aid-kit-duo", { styleSuffixes: ["duo"] }, "name:aid kit"],
    ["fluent-color-apps", { prefix: "fluent-color" }, "name:apps"],
    ["100", {}, "name:100"],
  ])("derives the concept of icon %s", (name, options, concept) => {
    expect(nameConcept(iconNameWords(name, options).concept.join(" "))).toBe(concept);
  });

  it("rejects empty words", () => {
    expect(() => nameConcept("  ")).toThrow(SeedSourceError);
  });
});
