// Tiny hand-written source data shared by the seed tests (a few real emoji, trimmed to the fields read).
import {
  createEmojiCatalog,
  type EmojiCatalog,
  type EmojiDatasourceEntry,
  type OpenmojiEntry,
} from "./emoji-catalog";
import type { SeedItem } from "./types";

const datasource = (
  unified: string,
  name: string,
  shortNames: string[],
  category: string,
  subcategory: string,
): EmojiDatasourceEntry => ({
  name,
  unified,
  image: `${unified.toLowerCase()}.png`,
  short_names: shortNames,
  category,
  subcategory,
  sort_order: 0,
});

const openmoji = (
  hexcode: string,
  annotation: string,
  tags: string,
  group = "food-drink",
): OpenmojiEntry => ({
  hexcode,
  group,
  subgroups: "food-fruit",
  annotation,
  tags,
  openmoji_tags: "",
  openmoji_author: "Test Author",
  skintone: "",
});

/** A catalog of red apple, France flag, thumbs up, black heart suit, keycap # and a skin-tone swatch. */
export function fixtureCatalog(): EmojiCatalog {
  return createEmojiCatalog({
    emojiJson: [
      datasource("1F34E", "RED APPLE", ["apple"], "Food & Drink", "food-fruit"),
      datasource("1F1EB-1F1F7", "France Flag", ["fr", "flag-fr"], "Flags", "country-flag"),
      datasource("1F44D", "THUMBS UP SIGN", ["+1", "thumbsup"], "People & Body", "hand-fingers-closed"),
      datasource("2665-FE0F", "BLACK HEART SUIT", ["hearts"], "Symbols", "card-suit"),
      datasource("0023-FE0F-20E3", "HASH KEY", ["hash"], "Symbols", "keycap"),
      datasource("1F3FB", "EMOJI MODIFIER FITZPATRICK TYPE-1-2", ["skin-tone-2"], "Component", "skin-tone"),
    ],
    openmojiJson: [
      openmoji("1F34E", "red apple", "apple, fruit, red"),
      openmoji("1F1EB-1F1F7", "flag: France", "FR, flag", "flags"),
      openmoji("0023-FE0F-20E3", "keycap: #", "keycap", "symbols"),
      openmoji("1FAEA", "distorted face", "distorted, face", "smileys-emotion"),
      openmoji("E000", "goldfish", "", "extras-openmoji"),
      { ...openmoji("1F44D-1F3FB", "thumbs up: light skin tone", ""), skintone: 1 },
    ],
    emojilib: {
      "\u{1F34E}": ["red_apple", "fruit", "mac", "school"],
      "\u{1F44D}": ["thumbs_up", "thumbsup", "yes", "awesome"],
    },
  });
}

/** Two seed items with small captions lists, as a seed file would hold them. */
export const FIXTURE_ITEMS: readonly SeedItem[] = [
  {
    sha256: "a".repeat(64),
    source: "emoji-datasource-google",
    licence: "Apache-2.0",
    attribution: "Noto Emoji by Google, Apache-2.0",
    concept: "emoji:1f34e",
    category: "Food & Drink/food-fruit",
    captions: ["red apple", "apple", "fruit"],
  },
  {
    sha256: "b".repeat(64),
    source: "@iconify-json/streamline-color",
    licence: "CC-BY-4.0",
    attribution: "Streamline color by Streamline, licensed under CC BY 4.0",
    concept: "name:shopping cart",
    category: "MoneyShopping",
    captions: ["shopping cart", "money shopping"],
  },
];
