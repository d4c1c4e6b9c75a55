/** Evaluates `If-None-Match` (RFC 9110 section 13.1.2) with weak comparison, for 304 answers. */

/** True when the header lists `etag` (quoted, weak or strong) or is `*`. */
export function ifNoneMatchHits(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => bare(tag) === bare(etag));
}
