// Stage 2 of the pipeline: normalised text → pre-tokens ("words"), the units BPE merges never cross.

/**
 * The split pattern, GPT-2-like, in the regex syntax of Hugging Face's `Split` pre-tokenizer (Oniguruma; `\s`
 * is Unicode white space). Alternatives, tried in order at each position:
 * - `'s 't 're 've 'm 'll 'd` when not followed by a letter (English contractions; text is lower-case by now);
 * - an optional space, a letter, then letters and combining marks (so Devanagari, Hebrew points and accents
 *   stay inside their word);
 * - an optional space, a digit or other number, then numbers and combining marks (`1️⃣` stays whole);
 * - an optional space, then a run of anything else: punctuation, symbols, emoji with their ZWJ, skin-tone
 *   and variation-selector parts, U+FFFD;
 * - a run of white space (only reached with text that was not normalised).
 * Every character is covered, so the pre-tokens concatenate back to the input.
 */
export const PRE_TOKENIZE_PATTERN =
  "'(?:s|t|re|ve|m|ll|d)(?!\\p{L})| ?\\p{L}[\\p{L}\\p{M}]*| ?\\p{N}[\\p{N}\\p{M}]*| ?[^\\s\\p{L}\\p{N}]+|\\s+";

// JavaScript's `\s` also matches U+FEFF and misses U+0085; Unicode White_Space is what Oniguruma means.
const PRE_TOKEN = new RegExp(PRE_TOKENIZE_PATTERN.replaceAll("\\s", "\\p{White_Space}"), "gu");

/**
 * Calls `visit` with each pre-token of `text`, in order. Text between matches (there is none with this
 * pattern, but the contract is Hugging Face's `Isolated` split) is visited as its own pre-token.
 */
export function forEachPreToken(text: string, visit: (preToken: string) => void): void {
  const pattern = PRE_TOKEN;
  let previousEnd = 0;
  for (;;) {
    // Set on every turn so that a `visit` which itself pre-tokenizes cannot disturb this loop.
    pattern.lastIndex = previousEnd;
    const match = pattern.exec(text);
    if (match === null) break;
    const gapStart = previousEnd;
    previousEnd = match.index + match[0].length;
    if (match.index > gapStart) visit(text.slice(gapStart, match.index));
    visit(match[0]);
  }
  if (previousEnd < text.length) visit(text.slice(previousEnd));
}

/**
 * Splits normalised text into pre-tokens with {@link PRE_TOKENIZE_PATTERN}.
 * @example preTokenize("red apple's 2 🍎🍎!") // ["red", " apple", "'s", " 2", " 🍎🍎!"]
 */
export function preTokenize(text: string): string[] {
  const preTokens: string[] = [];
  forEachPreToken(text, (preToken) => preTokens.push(preToken));
  return preTokens;
}
