/**
 * Strong entity tags for content-addressed resources, and the `If-Range` check that goes with a `Range`
 * (RFC 9110 §13.1.5). `If-None-Match` is evaluated by ./if-none-match.ts. Our tags are SHA-256 hex digests,
 * so equal tags mean equal bytes.
 */

/** Quotes a tag value for the `ETag` header: `abc` → `"abc"`. */
export function strongEtag(value: string): string {
  return `"${value}"`;
}

/**
 * True when a `Range` may be honoured given `If-Range`: absent, or exactly our strong tag. RFC 9110 requires
 * strong comparison here; a date or any other tag means "send the whole representation".
 */
export function ifRangeAllows(header: string | null | undefined, etag: string): boolean {
  return header === null || header === undefined || header.trim() === etag;
}
