/**
 * Builds FTS5 MATCH expressions from user text. User input never reaches FTS5 syntax: it is cut into letter
 * and digit runs, each quoted as a string, so operators, quotes, columns and parentheses in the input are
 * plain separators and a query can neither error nor widen itself.
 */

/** Most terms taken from one query. */
export const MAX_FTS_TERMS = 8;

/** The letter/digit runs of `text` (NFKC), as FTS5's unicode61 tokenizer would see them. */
export function searchTerms(text: string): string[] {
  const terms = text.normalize("NFKC").match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  return terms.slice(0, MAX_FTS_TERMS).map((term) => term.slice(0, 64));
}

/**
 * All terms must match; the last one also matches as a prefix (search as you type). Returns `null` when the
 * text has no searchable term, which callers treat as "no results".
 */
export function ftsAllTermsQuery(text: string): string | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  return terms.map((term, i) => `"${term}"${i === terms.length - 1 ? "*" : ""}`).join(" ");
}

/** Any term may match (for "shares a word with"); `null` when there is no term of at least `minLength`. */
export function ftsAnyTermQuery(text: string, minLength = 3): string | null {
  const terms = searchTerms(text).filter((term) => [...term].length >= minLength);
  if (terms.length === 0) return null;
  return terms.map((term) => `"${term}"`).join(" OR ");
}
