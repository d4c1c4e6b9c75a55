// Readers for card.json fields: each returns the value or throws a BundleFormatError naming the field, what it
// held and what was expected, so every section of the card is checked the same way.
import { BundleFormatError } from "../errors";

/** A JSON object, or a BundleFormatError naming `at`. */
export function section(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BundleFormatError(at, value, "a JSON object");
  }
  return value as Record<string, unknown>;
}

/** `obj[key]` as a safe integer ≥ `min`. */
export function intField(obj: Record<string, unknown>, key: string, at: string, min = 1): number {
  const v = obj[key];
  if (!Number.isSafeInteger(v) || (v as number) < min) {
    throw new BundleFormatError(`${at}.${key}`, v, `an integer ≥ ${min}`);
  }
  return v as number;
}

/** `obj[key]` (or `fallback` when absent) as a finite number ≥ `min`. */
export function numberField(
  obj: Record<string, unknown>,
  key: string,
  at: string,
  fallback: number,
  min = -Infinity,
): number {
  const v = obj[key] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
    const expected = min === -Infinity ? "a number" : `a number ≥ ${min}`;
    throw new BundleFormatError(`${at}.${key}`, v, expected);
  }
  return v;
}

/** Throws unless `found` equals `expected` (a value another section fixes). */
export function sameAs(found: unknown, expected: number, field: string, because: string): void {
  if (found !== expected) throw new BundleFormatError(field, found, `${expected} (${because})`);
}
