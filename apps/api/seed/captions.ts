// Caption cleaning and ordered, de-duplicated caption lists for seed items.

/** Longest caption kept, in characters (docs/dataset-format.md section 1). */
export const MAX_CAPTION_LENGTH = 300;

/** Default cap on captions per image, so one emoji does not dominate the pair count. */
export const DEFAULT_MAX_CAPTIONS = 14;

// Skin-tone modifiers, variation selectors, zero-width joiners and tag characters never belong in text.
const INVISIBLE_OR_MODIFIER = /\p{Emoji_Modifier}|\p{Variation_Selector}|\u200D|[\u{E0020}-\u{E007F}]/gu;
const SKIN_TONE_PHRASE = /\b(?:(?:medium[ -])?(?:light|medium|dark)[ -])?skin[ _-]tone(?:[ _-]\d)?\b/g;
const SKIN_TONE_CODEPOINT = /\b(?:u\+)?1f3f[b-f]\b/g;
// Pictographs and other symbols (emoji, "®", "✉") and private-use characters carry no caption text.
const SYMBOLS = /[\p{So}\p{Co}]/gu;
// Punctuation that only separates words in names like "flag: France" or "family: man, woman".
const SEPARATORS = /[_\-\u2010-\u2015:;,/|()[\]{}"\u201c\u201d\u2018\u2019!?]+/g;

/**
 * Cleans one raw caption: NFKC, lower case, skin-tone junk and pictographs removed, `_`/`-`/`:` and similar turned into
 * spaces, `&` spelled out, whitespace collapsed, cut at a word boundary to 300 characters.
 * Returns `null` when nothing meaningful is left (empty, punctuation only, or a lone letter like ":D"), or
 * when the text holds U+FFFD (it was garbled before it reached us).
 */
export function cleanCaption(raw: string): string | null {
  if (raw.includes("\uFFFD")) return null;
  let text = raw.normalize("NFKC").replace(INVISIBLE_OR_MODIFIER, "").replace(SYMBOLS, " ").toLowerCase();
  text = text.replace(SKIN_TONE_CODEPOINT, " ").replace(SKIN_TONE_PHRASE, " ");
  text = text.replace(/&/g, " and ").replace(SEPARATORS, " ");
  text = text.replace(/\s+/g, " ").trim();
  if (text.length > MAX_CAPTION_LENGTH) {
    const cut = text.slice(0, MAX_CAPTION_LENGTH + 1);
    const space = cut.lastIndexOf(" ");
    text = (space > 0 ? cut.slice(0, space) : cut.slice(0, MAX_CAPTION_LENGTH)).trim();
  }
  if (!/[\p{L}\p{N}]/u.test(text)) return null;
  if (/^\p{L}$/u.test(text)) return null;
  return text;
}

/** Options of {@link collectCaptions}. */
export interface CollectCaptionsOptions {
  /** Most captions returned; the first candidates win. Default {@link DEFAULT_MAX_CAPTIONS}. */
  max?: number;
}

/**
 * Cleans candidates in order, drops empty ones and duplicates (after cleaning) and keeps at most `max`.
 * The first surviving candidate is the canonical caption.
 */
export function collectCaptions(
  candidates: Iterable<string | null | undefined>,
  options: CollectCaptionsOptions = {},
): string[] {
  const max = options.max ?? DEFAULT_MAX_CAPTIONS;
  const out: string[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (out.length >= max) break;
    if (candidate == null) continue;
    const text = cleanCaption(candidate);
    if (text === null || seen.has(text)) continue;
    seen.add(text);
    out.push(text);
  }
  return out;
}
