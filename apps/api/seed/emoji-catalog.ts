// One record per emoji concept, merged from emoji-datasource (Unicode names, short names, categories),
// OpenMoji (CLDR names and tags) and emojilib (keywords); plus a name index for icon sets that name emoji.
import { emojiConcept, hasPrivateUseCodePoint } from "./concept";

/** The fields of an emoji-datasource `emoji.json` entry the builder reads. */
export interface EmojiDatasourceEntry {
  name: string | null;
  unified: string;
  image: string;
  short_names: string[];
  category: string;
  subcategory: string;
  sort_order: number;
}

/** The fields of an OpenMoji `data/openmoji.json` entry the builder reads. */
export interface OpenmojiEntry {
  hexcode: string;
  group: string;
  subgroups: string;
  annotation: string;
  tags: string;
  openmoji_tags: string;
  openmoji_author: string;
  skintone: string | number;
}

/** emojilib's data: emoji character -> keywords, the first being the CLDR name in snake_case. */
export type EmojilibData = Record<string, string[]>;

/** What is known about one emoji concept, in every style. */
export interface EmojiRecord {
  concept: string;
  /** CLDR short name, e.g. "red apple", "flag: France". */
  cldrName?: string;
  /** Unicode character name from emoji-datasource, e.g. "RED APPLE", "France Flag". */
  unicodeName?: string;
  shortNames: string[];
  /** emojilib keywords without the leading name. */
  keywords: string[];
  /** CLDR tags as listed by OpenMoji. */
  tags: string[];
  /** `Category/subcategory`, e.g. `Food & Drink/food-fruit`. */
  category: string;
}

/** Emoji records by concept, and a lookup from squashed names to concepts. */
export interface EmojiCatalog {
  records: Map<string, EmojiRecord>;
  /** Concept of an emoji whose CLDR name, Unicode name or short name squashes to `key` (see {@link squashName}). */
  byName: Map<string, string>;
}

/** Sources of {@link createEmojiCatalog}. */
export interface EmojiCatalogSources {
  emojiJson: readonly EmojiDatasourceEntry[];
  openmojiJson: readonly OpenmojiEntry[];
  emojilib: EmojilibData;
}

/** Skin-tone swatches (U+1F3FB..U+1F3FF): components, not pictures of anything. */
export const SKIN_TONE_CONCEPTS = new Set(
  ["1f3fb", "1f3fc", "1f3fd", "1f3fe", "1f3ff"].map((u) => `emoji:${u}`),
);

/** A name reduced to lower-case letters and digits, "&" spelled out: "Flag: France" -> "flagfrance". */
export function squashName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, "and")
    .replace(/[^a-z0-9]/g, "");
}

/** Code points of an emoji string as `1f34e-...` (emojilib keys are characters, not code points). */
export function charToUnified(char: string): string {
  return [...char].map((c) => (c.codePointAt(0) ?? 0).toString(16)).join("-");
}

const splitTags = (tags: string): string[] =>
  tags
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");

/** Whether an OpenMoji entry is a base emoji (no skin tone) with real (not private-use) code points. */
export function isOpenmojiBase(entry: OpenmojiEntry): boolean {
  return entry.skintone === "" && !hasPrivateUseCodePoint(entry.hexcode);
}

/** Merges the three sources into one record per emoji concept (skin-tone swatches left out). */
export function createEmojiCatalog(sources: EmojiCatalogSources): EmojiCatalog {
  const records = new Map<string, EmojiRecord>();
  const groupCategory = new Map<string, string>();
  const openmoji = new Map(
    sources.openmojiJson.filter(isOpenmojiBase).map((e) => [emojiConcept(e.hexcode), e]),
  );
  for (const e of sources.emojiJson) {
    const concept = emojiConcept(e.unified);
    if (SKIN_TONE_CONCEPTS.has(concept)) continue;
    const om = openmoji.get(concept);
    if (om !== undefined && !groupCategory.has(om.group)) groupCategory.set(om.group, e.category);
    records.set(concept, {
      concept,
      cldrName: om?.annotation,
      unicodeName: e.name ?? undefined,
      shortNames: [...e.short_names],
      keywords: [],
      tags: om ? splitTags(om.tags) : [],
      category: `${e.category}/${e.subcategory}`,
    });
  }
  for (const [concept, om] of openmoji) {
    if (records.has(concept) || SKIN_TONE_CONCEPTS.has(concept) || om.group.startsWith("extras")) continue;
    const category = `${groupCategory.get(om.group) ?? om.group}/${om.subgroups}`;
    records.set(concept, {
      concept,
      cldrName: om.annotation,
      shortNames: [],
      keywords: [],
      tags: splitTags(om.tags),
      category,
    });
  }
  for (const [char, words] of Object.entries(sources.emojilib)) {
    const record = records.get(emojiConcept(charToUnified(char)));
    if (record === undefined || words.length === 0) continue;
    record.cldrName ??= words[0]?.replace(/_/g, " ");
    record.keywords = words.slice(1);
  }
  return { records, byName: createNameIndex(records) };
}

/** Words icon sets use for the symbols in CLDR names such as "keycap: #". */
const SYMBOL_WORDS: Record<string, readonly string[]> = {
  "#": ["hash", "hashtag", "pound", "number sign"],
  "*": ["asterisk"],
};

/**
 * Spellings of a CLDR name to index: as is and without parentheses ("A button (blood type)"); a name with
 * a symbol only with the symbol spelled out, since "keycap: *" would squash to a bare "keycap".
 */
export function cldrVariants(name: string): string[] {
  const variants = [name, name.replace(/\s*\([^)]*\)/g, "")];
  const symbol = Object.keys(SYMBOL_WORDS).find((s) => name.includes(s));
  if (symbol === undefined) return variants;
  return variants.flatMap((v) => (SYMBOL_WORDS[symbol] ?? []).map((w) => v.replace(symbol, ` ${w} `)));
}

function createNameIndex(records: Map<string, EmojiRecord>): Map<string, string> {
  const byName = new Map<string, string>();
  const add = (name: string | undefined, concept: string): void => {
    const key = name === undefined ? "" : squashName(name);
    if (key !== "" && !byName.has(key)) byName.set(key, concept);
  };
  // Most specific names first: a CLDR name beats another emoji's short name that squashes the same.
  for (const r of records.values()) for (const v of cldrVariants(r.cldrName ?? "")) add(v, r.concept);
  for (const r of records.values()) add(r.unicodeName, r.concept);
  for (const r of records.values()) for (const s of r.shortNames) add(s, r.concept);
  return byName;
}

/** Every word (2+ letters or digits, plus "a") in the catalog's names and keywords: a vocabulary for splitting. */
export function catalogWords(catalog: EmojiCatalog): Set<string> {
  const words = new Set<string>(["a"]);
  for (const r of catalog.records.values()) {
    const texts = [r.cldrName, r.unicodeName, ...r.shortNames, ...r.keywords, ...r.tags];
    for (const text of texts) {
      for (const word of (text ?? "").toLowerCase().split(/[^a-z0-9]+/))
        if (word.length >= 2) words.add(word);
    }
  }
  return words;
}
