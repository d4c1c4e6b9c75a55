// Concept keys (docs/dataset-format.md "Concepts"): what an image depicts, independent of its style.
import { SeedSourceError } from "./errors";

/**
 * Normalises an emoji code point sequence: lower case, joined by `-`, `fe0f` variation selectors removed.
 * Accepts `1F3F3-FE0F-200D-1F308`, `1f3f3_fe0f_200d_1f308` or `U+1F34E`.
 */
export function normaliseUnified(unified: string): string {
  const points = unified
    .toLowerCase()
    .replace(/u\+/g, "")
    .split(/[-_\s]+/)
    .filter((p) => p !== "" && p !== "fe0f");
  if (points.length === 0 || !points.every((p) => /^[0-9a-f]{1,6}$/.test(p))) {
    throw new SeedSourceError(
      `emoji code points ${JSON.stringify(unified)} are not hex code points joined by "-"; ` +
        `expected something like "1F34E" or "1F1EB-1F1F7" (fix the source data or skip the entry)`,
    );
  }
  return points.join("-");
}

/** Concept key of an emoji in any style: `emoji:<lower-case code points without fe0f>`. */
export function emojiConcept(unified: string): string {
  return `emoji:${normaliseUnified(unified)}`;
}

/**
 * Concept key of any other icon: `name:<words>`, lower case, words joined by one space.
 * `words` should already have digits, set prefixes and style suffixes removed (see `iconNameWords`).
 */
export function nameConcept(words: string): string {
  const joined = words.toLowerCase().trim().split(/\s+/).join(" ");
  if (joined === "") {
    throw new SeedSourceError(`icon words ${JSON.stringify(words)} are empty; expected at least one word`);
  }
  return `name:${joined}`;
}

/** Whether a code point sequence contains a private-use code point (OpenMoji extras such as `E000`). */
export function hasPrivateUseCodePoint(unified: string): boolean {
  return normaliseUnified(unified)
    .split("-")
    .some((p) => {
      const cp = Number.parseInt(p, 16);
      return (cp >= 0xe000 && cp <= 0xf8ff) || cp >= 0xf0000;
    });
}
