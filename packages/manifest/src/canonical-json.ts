/**
 * Canonical JSON: the one byte sequence a manifest is signed over (docs/manifest-format.md §2). The rules are
 * those of RFC 8785 (JSON Canonicalization Scheme) for the values a manifest can hold:
 * - object keys sorted by UTF-16 code units (JavaScript's default string order), no duplicates;
 * - no whitespace anywhere; strings and numbers written as ECMAScript `JSON.stringify` writes them
 *   (shortest round-trip numbers, `-0` as `0`, only `"`, `\\` and control characters escaped);
 * - encoded as UTF-8.
 * Only plain JSON values are accepted: non-finite numbers, `undefined`, functions and class instances throw.
 */

/** A plain JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The value cannot be written as canonical JSON (non-finite number, undefined, a non-plain object). */
export class CanonicalJsonError extends TypeError {
  override readonly name = "CanonicalJsonError";
}

/** Serialises `value` canonically (see the file header). @throws CanonicalJsonError for a non-JSON value. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new CanonicalJsonError(`Cannot encode the number ${value} in JSON.`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`).join(",")}}`;
  }
  throw new CanonicalJsonError(`Cannot encode a value of type ${typeof value} as canonical JSON.`);
}

/** The UTF-8 bytes of {@link canonicalJson}: what gets hashed (the manifest's ETag) and signed. */
export function canonicalJsonBytes(value: JsonValue): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(canonicalJson(value)) as Uint8Array<ArrayBuffer>;
}
