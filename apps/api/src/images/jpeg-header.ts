/**
 * JPEG header scan without decoding: walks marker segments from SOI to the first SOF (frame header) for the
 * dimensions, and requires the file to end with EOI so truncated uploads are refused.
 */
import { invalidImage } from "./image-error";
import type { ImageDimensions } from "./image-dimensions";

// SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range but are not frame headers.
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Reads a JPEG's dimensions from its SOF segment; throws `ImageRejectedError` (422). */
export function readJpegHeader(bytes: Uint8Array): ImageDimensions {
  const n = bytes.length;
  if (n < 4 || bytes[n - 2] !== 0xff || bytes[n - 1] !== 0xd9) {
    throw invalidImage("JPEG is truncated: it does not end with the EOI marker (FF D9).");
  }
  let at = 2;
  // Every iteration advances by at least 2 bytes, so the loop is bounded by the file length.
  while (at + 4 <= n) {
    if (bytes[at] !== 0xff) throw invalidImage(`JPEG has no marker at byte ${at}.`);
    while (at < n && bytes[at] === 0xff) at++;
    const marker = bytes[at++] ?? 0;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (marker === 0xd9 || marker === 0xda) break;
    const length = ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
    if (length < 2 || at + length > n) throw invalidImage("JPEG is truncated inside a header segment.");
    if (isStartOfFrame(marker)) {
      if (length < 7) throw invalidImage("JPEG frame header is too short.");
      const height = ((bytes[at + 3] ?? 0) << 8) | (bytes[at + 4] ?? 0);
      const width = ((bytes[at + 5] ?? 0) << 8) | (bytes[at + 6] ?? 0);
      return { width, height };
    }
    at += length;
  }
  throw invalidImage("JPEG has no frame header (SOF) before its image data.");
}
