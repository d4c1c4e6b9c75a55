// Ordered captions of an emoji: canonical CLDR name, other names, a keyword phrase, keywords, category words.
import { DEFAULT_MAX_CAPTIONS, cleanCaption, collectCaptions } from "./captions";
import type { EmojiRecord } from "./emoji-catalog";
import { categoryWords } from "./icon-name";

/** Keywords kept per emoji, so names and category words still fit under the caption cap. */
export const MAX_EMOJI_KEYWORDS = 6;

/** Options of {@link emojiCaptions}. */
export interface EmojiCaptionOptions {
  /** Other names of this image (an icon set's own name), placed after the Unicode name. */
  extraNames?: readonly string[];
  /** Style-specific keywords (OpenMoji's own tags), appended to the emoji's keywords. */
  extraKeywords?: readonly string[];
  /** Most captions returned. Default {@link DEFAULT_MAX_CAPTIONS}. */
  max?: number;
}

/**
 * Captions of an emoji, first the canonical name ("red apple", "flag france"), then the Unicode name and
 * short names, one "<name> <keyword>" phrase, up to six keywords and the subcategory and category words.
 */
export function emojiCaptions(record: EmojiRecord, options: EmojiCaptionOptions = {}): string[] {
  const canonical = record.cldrName ?? record.unicodeName ?? record.shortNames[0] ?? "";
  const canonicalWords = new Set((cleanCaption(canonical) ?? "").split(" "));
  const keywords = collectCaptions([...record.keywords, ...record.tags, ...(options.extraKeywords ?? [])], {
    max: Number.MAX_SAFE_INTEGER,
  }).filter((k) => !canonicalWords.has(k));
  const phrase = keywords.find((k) => !k.includes(" "));
  const [category = "", subcategory = ""] = record.category.split("/");
  return collectCaptions(
    [
      canonical,
      ...(options.extraNames ?? []),
      record.unicodeName,
      ...record.shortNames.slice(0, 3),
      phrase === undefined ? undefined : `${canonical} ${phrase}`,
      ...keywords.slice(0, MAX_EMOJI_KEYWORDS),
      categoryWords(subcategory),
      category,
    ],
    { max: options.max ?? DEFAULT_MAX_CAPTIONS },
  );
}
