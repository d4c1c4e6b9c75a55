// The special tokens: fixed strings with the lowest ids, and the matcher that finds them inside raw text.

/** Padding after (or before) the tokens of a fixed-length sequence. Id 0. */
export const PAD_TOKEN = "<|pad|>";
/** Begin of text: first token of an encoded caption. Id 1. */
export const BOT_TOKEN = "<|bot|>";
/** End of text: last token of an encoded caption. Id 2. */
export const EOT_TOKEN = "<|eot|>";
/** Begin of image: separates the text tokens from the image tokens in the generator's stream. Id 3. */
export const BOI_TOKEN = "<|boi|>";
/** Begin of caption: starts the caption in the reversed stream ([image][text]) used for captioning. Id 4. */
export const BOC_TOKEN = "<|boc|>";

/** How many ids the default special tokens take (named + reserved): ids 0..31. */
export const SPECIAL_TOKEN_SLOTS = 32;

const NAMED_TOKENS = [PAD_TOKEN, BOT_TOKEN, EOT_TOKEN, BOI_TOKEN, BOC_TOKEN] as const;

/** The content of reserved slot `index` (`<|reserved_0|>`, `<|reserved_1|>`, …). */
export function reservedToken(index: number): string {
  return `<|reserved_${index}|>`;
}

/**
 * The default special tokens in id order: the five named tokens (ids 0–4), then `<|reserved_0|>` to
 * `<|reserved_26|>` (ids 5–31). Reserved slots exist so that a later special token takes a reserved id
 * instead of shifting every other id.
 */
export const DEFAULT_SPECIAL_TOKENS: readonly string[] = Object.freeze([
  ...NAMED_TOKENS,
  ...Array.from({ length: SPECIAL_TOKEN_SLOTS - NAMED_TOKENS.length }, (_, index) => reservedToken(index)),
]);

/** A special token and its id. */
export interface SpecialToken {
  readonly id: number;
  readonly content: string;
}

/** One piece of raw text: either ordinary text or an occurrence of a special token. */
export type TextSegment =
  | { readonly text: string; readonly special?: undefined }
  | { readonly special: SpecialToken; readonly text?: undefined };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Finds special tokens in raw (not yet normalised) text, leftmost-longest, like Hugging Face's added-token
 * splitter: `"a<|eot|>b"` becomes `"a"`, `<|eot|>`, `"b"`.
 */
export class SpecialTokenMatcher {
  private readonly byContent = new Map<string, SpecialToken>();
  private readonly pattern: RegExp | null;
  private readonly firstChars: string[];

  constructor(tokens: readonly SpecialToken[]) {
    for (const token of tokens) this.byContent.set(token.content, token);
    const contents = [...this.byContent.keys()].filter((content) => content.length > 0);
    // Longest first, so that the regex alternation picks the longest token at each position.
    contents.sort((a, b) => b.length - a.length);
    this.pattern = contents.length > 0 ? new RegExp(contents.map(escapeRegExp).join("|"), "g") : null;
    this.firstChars = [...new Set(contents.map((content) => content[0] as string))];
  }

  /** The special token whose content is exactly `content`, if any. */
  get(content: string): SpecialToken | undefined {
    return this.byContent.get(content);
  }

  /** Splits `text` into ordinary segments and special tokens, in order; empty ordinary segments are dropped. */
  split(text: string): TextSegment[] {
    const pattern = this.pattern;
    if (pattern === null || !this.firstChars.some((char) => text.includes(char))) return [{ text }];
    const segments: TextSegment[] = [];
    let start = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      if (match.index > start) segments.push({ text: text.slice(start, match.index) });
      segments.push({ special: this.byContent.get(match[0]) as SpecialToken });
      start = match.index + match[0].length;
    }
    if (start < text.length) segments.push({ text: text.slice(start) });
    return segments;
  }
}
