// Canonical JSON (docs/manifest-format.md §2, the RFC 8785 rules for the values a manifest holds): object keys
// sorted by UTF-16 code units, no whitespace, strings and numbers as JSON.stringify writes them, UTF-8.
// A manifest's signature covers exactly these bytes, so this must agree byte for byte with the API's copy.

/** A plain JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Serialises a plain JSON value canonically. @throws TypeError for non-finite numbers or non-JSON values. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(",")}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a value of type ${typeof value}`);
}

/** UTF-8 bytes of {@link canonicalJson}: what is hashed (the ETag) and signed. */
export function canonicalJsonBytes(value: JsonValue): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
