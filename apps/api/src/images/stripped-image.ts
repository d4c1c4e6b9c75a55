/** The result shape shared by the format strippers (strip-png, strip-jpeg, strip-webp). */

/** What a format stripper hands back. */
export interface StrippedImage {
  /** The bytes to hash and store; the input itself (same object) when nothing was removed. */
  bytes: Uint8Array;
  /** What was removed, e.g. `["PNG tEXt", "JPEG APP1 (Exif)"]`, in file order. */
  removed: string[];
  /** EXIF blocks found (and removed), for the orientation check. */
  exif: Uint8Array[];
}

/** Concatenates byte runs. */
export function joinBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
