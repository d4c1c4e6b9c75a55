import { describe, expect, it } from "vitest";
import { charToUnified, cldrVariants, squashName } from "./emoji-catalog";
import { emojiCaptions } from "./emoji-captions";
import { fixtureCatalog } from "./test-fixtures";

describe("emoji catalog", () => {
  const catalog = fixtureCatalog();

  it("merges CLDR names, Unicode names, short names and keywords per concept", () => {
    expect(catalog.records.get("emoji:1f34e")).toMatchObject({
      cldrName: "red apple",
      unicodeName: "RED APPLE",
      shortNames: ["apple"],
      keywords: ["fruit", "mac", "school"],
      tags: ["apple", "fruit", "red"],
      category: "Food & Drink/food-fruit",
    });
  });

  it("takes the CLDR name from emojilib when OpenMoji has none", () => {
    expect(catalog.records.get("emoji:1f44d")?.cldrName).toBe("thumbs up");
  });

  it("adds OpenMoji emoji that emoji-datasource lacks, but no extras, skin tones or swatches", () => {
    expect(catalog.records.get("emoji:1faea")?.cldrName).toBe("distorted face");
    expect(catalog.records.has("emoji:e000")).toBe(false);
    expect(catalog.records.has("emoji:1f44d-1f3fb")).toBe(false);
    expect(catalog.records.has("emoji:1f3fb")).toBe(false);
  });

  it("finds emoji by CLDR name, Unicode name and short name", () => {
    expect(catalog.byName.get(squashName("flag: France"))).toBe("emoji:1f1eb-1f1f7");
    expect(catalog.byName.get(squashName("France Flag"))).toBe("emoji:1f1eb-1f1f7");
    expect(catalog.byName.get(squashName("black heart suit"))).toBe("emoji:2665");
    expect(catalog.byName.get(squashName("keycap hashtag"))).toBe("emoji:0023-20e3");
    expect(catalog.byName.get("keycap")).toBeUndefined();
  });

  it("spells out symbols and drops parentheses in CLDR name variants", () => {
    expect(cldrVariants("A button (blood type)")).toEqual(["A button (blood type)", "A button"]);
    expect(cldrVariants("keycap: *").map(squashName)).toContain("keycapasterisk");
  });

  it("reads emojilib's characters as code points", () => {
    expect(charToUnified("\u2764\uFE0F")).toBe("2764-fe0f");
  });
});

describe("emoji captions", () => {
  const catalog = fixtureCatalog();

  it("puts the canonical name first, then names, a keyword phrase, keywords and category words", () => {
    const record = catalog.records.get("emoji:1f34e");
    expect(record && emojiCaptions(record)).toEqual([
      "red apple",
      "apple",
      "red apple fruit",
      "fruit",
      "mac",
      "school",
      "food fruit",
      "food and drink",
    ]);
  });

  it("cleans flag names and keeps short names", () => {
    const record = catalog.records.get("emoji:1f1eb-1f1f7");
    expect(record && emojiCaptions(record).slice(0, 4)).toEqual([
      "flag france",
      "france flag",
      "fr",
      "flag fr",
    ]);
  });

  it("caps the number of captions", () => {
    const record = catalog.records.get("emoji:1f44d");
    expect(record && emojiCaptions(record, { max: 3 })).toEqual(["thumbs up", "thumbs up sign", "+1"]);
  });
});
