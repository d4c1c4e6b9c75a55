// Stage 1 of the pipeline: caption text → canonical text. Every consumer of captions normalises with this.

/**
 * Characters removed before anything else, as a regex source in the syntax shared by JavaScript (`u` flag),
 * Oniguruma and Hugging Face's `Replace` normaliser: C0/C1 control characters that are not white space
 * (U+0000–0008, U+000E–001F, U+007F–0084, U+0086–009F), the soft hyphen U+00AD, the zero-width space U+200B,
 * the word joiner U+2060 and the byte-order mark / zero-width no-break space U+FEFF.
 * Zero-width joiners, variation selectors, tag characters and bidi marks stay: emoji and scripts need them.
 */
export const INVISIBLE_CHARACTERS_SOURCE =
  "[\\x00-\\x08\\x0E-\\x1F\\x7F-\\x84\\x86-\\x9F\\u00AD\\u200B\\u2060\\uFEFF]";

/**
 * Runs of white space (Unicode `White_Space`: tabs, newlines, no-break and ideographic spaces, …), as a regex
 * source for Hugging Face's `Replace` normaliser. Its `\s` means `White_Space` there, as in Oniguruma.
 */
export const WHITESPACE_RUN_SOURCE = "\\s+";

const INVISIBLE_CHARACTERS = new RegExp(INVISIBLE_CHARACTERS_SOURCE, "gu");
const WHITESPACE_RUN = /\p{White_Space}+/gu;
// With the `u` flag a surrogate range only matches surrogates that are not part of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu;
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

/**
 * Normalises caption text so that texts a person would call the same get the same tokens.
 *
 * Steps, in order:
 * 1. Remove invisible characters ({@link INVISIBLE_CHARACTERS_SOURCE}): non-white-space control characters,
 *    soft hyphen, zero-width space, word joiner, byte-order mark.
 * 2. Replace each unpaired surrogate (malformed UTF-16) by U+FFFD, the replacement character. This comes
 *    after step 1 so that a pair split only by a removed character is re-joined, as Hugging Face does.
 * 3. Unicode NFKC (compatibility forms fold: `ﬁ` → `fi`, full-width `Ａ` → `A`, `①` → `1`, no-break space → space).
 * 4. Lower-case (`String.prototype.toLowerCase`, locale-independent): captions are case-insensitive, so
 *    "Red Apple" and "red apple" are one caption. Decoding therefore returns lower-case text.
 * 5. NFKC again, because lower-casing can leave a few sequences (e.g. Greek with iota subscript) unnormalised;
 *    with it, `normalize(normalize(s)) === normalize(s)`.
 * 6. Collapse every run of white space (Unicode `White_Space`, incl. tabs and newlines) to one space.
 * 7. Trim leading and trailing spaces.
 *
 * The same steps are written into `tokenizer.json` as Hugging Face normalisers, so both give the same text.
 * @param text Any string, including malformed UTF-16.
 * @returns The normalised text; `""` when nothing visible remains.
 */
export function normalize(text: string): string {
  // Printable ASCII is already NFKC, has no invisible characters and no white space but U+0020.
  if (PRINTABLE_ASCII.test(text)) {
    const lower = text.toLowerCase();
    return (lower.includes("  ") ? lower.replace(/ {2,}/g, " ") : lower).trim();
  }
  return text
    .replace(INVISIBLE_CHARACTERS, "")
    .replace(LONE_SURROGATE, "\uFFFD")
    .normalize("NFKC")
    .toLowerCase()
    .normalize("NFKC")
    .replace(WHITESPACE_RUN, " ")
    .trim();
}
