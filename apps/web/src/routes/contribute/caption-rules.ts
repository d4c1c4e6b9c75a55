// The API's caption rules, checked while the person types (docs/api.md "Contribute"): after Unicode NFKC, with
// line breaks as spaces, control, bidi and other invisible format characters removed and whitespace collapsed,
// a caption is 1 to 300 code points. The API applies the same rules and is the authority; this only spares a
// round trip and says what is wrong before anything is sent.

/** Longest caption in code points (the API's MAX_CAPTION_LENGTH). */
export const MAX_CAPTION = 300;

// Cc: controls; Cf: format characters (zero-width space/joiner, bidi marks and overrides, BOM, …).
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/** The caption as the API will store it. */
export function normaliseCaption(raw: string): string {
  return raw
    .normalize("NFKC")
    .replace(/[\t\n\v\f\r\u0085\u2028\u2029]/g, " ")
    .replace(INVISIBLE, "")
    .replace(/\s+/gu, " ")
    .trim();
}

/** What is wrong with `raw` as a caption, or undefined when the API will take it. */
export function captionProblem(raw: string): string | undefined {
  const text = normaliseCaption(raw);
  const length = [...text].length;
  if (length === 0)
    return raw.length > 0
      ? "The caption has only invisible characters or spaces; describe the image in words."
      : "Describe the image in a few words.";
  if (length > MAX_CAPTION) return `The caption is ${length} characters; at most ${MAX_CAPTION} fit.`;
  return undefined;
}
