/**
 * Normalises user text (captions, attributions) before it is stored or compared: Unicode NFKC, line breaks and
 * tabs to spaces, control, bidi-override and zero-width characters removed, whitespace collapsed, length
 * checked in code points, and text with nothing visible in it (only format characters such as U+200D, marks
 * without a base, blank glyphs) refused like empty text. Dedupe of captions relies on this being the only path
 * text takes into D1.
 */
import { ApiError } from "../errors";

/** Options for {@link normaliseText}. */
export interface NormaliseTextOptions {
  /** Field name for error messages, e.g. "caption". */
  field: string;
  /** Fewest code points after normalisation. Default 1. */
  min?: number;
  /** Most code points after normalisation. */
  max: number;
}

/** Longest caption, in code points. */
export const MAX_CAPTION_LENGTH = 300;

// Unpaired UTF-16 surrogates (only reachable through JSON "\ud800" escapes) cannot be stored as UTF-8.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const SPACING_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// C0/C1 controls, bidi embeddings/overrides/isolates and marks, BOM, and the zero-width characters that
// carry no meaning in a caption (ZWSP, word joiner and the invisible operators, soft hyphen, Mongolian vowel
// separator): invisible and abusable in shared text ("red\u200Bapple" must dedupe with "red apple"). ZWJ and
// ZWNJ stay: emoji sequences and several scripts need them.
const STRIPPED = /[\p{Cc}\u00AD\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu;
// Characters that show nothing on their own: format (Cf) and default-ignorable code points (ZWJ, variation
// selectors, tags, Hangul fillers), marks without a base, white space, the blank Braille pattern.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}\p{White_Space}\u2800]/gu;

/** Returns the normalised text or throws 422 `invalid_<field>` naming the limit. */
export function normaliseText(raw: string, options: NormaliseTextOptions): string {
  const { field, min = 1, max } = options;
  if (LONE_SURROGATE.test(raw)) {
    throw new ApiError(422, `invalid_${field}`, `The ${field} contains an unpaired UTF-16 surrogate.`);
  }
  // Bound the work before normalising: nothing this long can be a real caption or attribution.
  if (raw.length > max * 18) {
    throw new ApiError(
      422,
      `invalid_${field}`,
      `The ${field} is ${raw.length} characters; at most ${max} fit.`,
    );
  }
  const text = raw
    .normalize("NFKC")
    .replace(SPACING_CONTROLS, " ")
    .replace(STRIPPED, "")
    .replace(/\s+/gu, " ")
    .trim();
  const length = [...text].length;
  if (min > 0 && length > 0 && text.replace(INVISIBLE, "") === "") {
    throw new ApiError(
      422,
      `invalid_${field}`,
      `The ${field} has no visible characters (only spaces, zero-width or other format characters); ` +
        `it must show 1 to ${max} characters.`,
    );
  }
  if (length < min || length > max) {
    throw new ApiError(
      422,
      `invalid_${field}`,
      `The ${field} is ${length} characters after normalisation; it must be ${min} to ${max}.`,
    );
  }
  return text;
}

/** Normalises a caption (1 to 300 code points). */
export function normaliseCaption(raw: string): string {
  return normaliseText(raw, { field: "caption", max: MAX_CAPTION_LENGTH });
}
