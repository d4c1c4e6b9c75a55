import { describe, expect, it } from "vitest";
import type { IconifyJson } from "../iconify-icon";
import { fixtureCatalog } from "../test-fixtures";
import { matchEmojiConcept, nameVariants, selectIcons } from "./iconify-select";

const body = "<path/>";

describe("selectIcons", () => {
  it("skips hidden icons, excluded categories and names, and keeps flipped aliases", () => {
    const json: IconifyJson = {
      prefix: "t",
      icons: { apple: { body }, logo: { body }, old: { body, hidden: true }, ok: { body }, hand: { body } },
      aliases: { "hand-mirrored": { parent: "hand", hFlip: true }, fruit: { parent: "apple" } },
    };
    const metadata = { categories: { Food: ["apple"], Brand: ["logo"] } };
    const { icons, skipped } = selectIcons(json, metadata, {
      prefix: "t",
      excludeCategories: ["Brand"],
      excludeNames: ["ok"],
    });
    expect(icons.map((i) => i.name)).toEqual(["apple", "hand", "hand-mirrored"]);
    expect(icons[0]).toEqual({ name: "apple", aliasNames: ["fruit"], category: "Food" });
    expect(skipped).toEqual({ hidden: 1, "category Brand": 1, "excluded name": 1 });
  });

  it("skips skin-tone variants whose base icon exists", () => {
    const json: IconifyJson = {
      prefix: "t",
      icons: {
        "thumbs-up": { body },
        "thumbs-up-dark": { body },
        "thumbs-up-light": { body },
        "lonely-dark": { body },
      },
    };
    const config = { prefix: "t", emoji: { skinToneSuffix: /-(?:light|dark)$/ } };
    expect(selectIcons(json, {}, config).icons.map((i) => i.name)).toEqual(["lonely-dark", "thumbs-up"]);
  });

  it("keeps only the largest design size of each icon", () => {
    const json: IconifyJson = {
      prefix: "t",
      icons: { "add-16": { body }, "add-24": { body }, "add-48": { body }, "alert-20": { body } },
    };
    const { icons } = selectIcons(json, {}, { prefix: "t", largestSizeOnly: true });
    expect(icons.map((i) => i.name)).toEqual(["add-48", "alert-20"]);
  });
});

describe("matchEmojiConcept", () => {
  const catalog = fixtureCatalog();
  const match = (name: string, aliasNames: string[] = []): string | undefined =>
    matchEmojiConcept({ name, aliasNames }, catalog);

  it.each([
    ["red-apple", "emoji:1f34e"],
    ["thumbs-up", "emoji:1f44d"],
    ["flag-for-france", "emoji:1f1eb-1f1f7"],
    ["blackheartsuit", "emoji:2665"],
    ["keycap-hashtag", "emoji:0023-20e3"],
  ])("maps %s to %s", (name, concept) => {
    expect(match(name)).toBe(concept);
  });

  it("falls back to plain alias names", () => {
    expect(match("apple-red", ["red-apple"])).toBe("emoji:1f34e");
  });

  it("leaves unknown names unmatched", () => {
    expect(match("knocked-out-face")).toBeUndefined();
  });

  it("tries CLDR spellings of EmojiOne and Fluent names", () => {
    expect(nameVariants("flag-for-black-flag")).toContain("black-flag");
    expect(nameVariants("man-blonde-hair")).toContain("man-blond-hair");
  });
});
