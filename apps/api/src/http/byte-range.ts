/**
 * Parses one HTTP `Range: bytes=...` header (RFC 9110 section 14) against a known size. We parse ourselves
 * because local R2 returns the whole object for multi-range, malformed or out-of-bounds ranges.
 */

/** The outcome of {@link parseByteRange}. */
export type ByteRange =
  { kind: "none" } | { kind: "range"; offset: number; length: number } | { kind: "unsatisfiable" };

// 15 digits stay exact in a double; anything longer is beyond any object we store.
const RANGE = /^bytes\s*=\s*(\d{0,15})\s*-\s*(\d{0,15})$/i;

/**
 * Resolves a single range (`a-b`, `a-`, `-n`) to offset and length. A missing header is `none`; multiple
 * ranges, malformed syntax, an empty suffix or a start at or past the end are `unsatisfiable` (answer 416).
 */
export function parseByteRange(header: string | null | undefined, size: number): ByteRange {
  if (header === null || header === undefined) return { kind: "none" };
  const match = RANGE.exec(header.trim());
  if (!match) return { kind: "unsatisfiable" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "unsatisfiable" };
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    const length = Math.min(suffix, size);
    return { kind: "range", offset: size - length, length };
  }
  const start = Number(first);
  if (start >= size) return { kind: "unsatisfiable" };
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return { kind: "unsatisfiable" };
  return { kind: "range", offset: start, length: end - start + 1 };
}
