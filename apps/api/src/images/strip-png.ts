/**
 * PNG metadata stripper: keeps the chunks that decoding and colour need and drops every other ancillary chunk
 * (tEXt, zTXt, iTXt, eXIf, tIME, pHYs, bKGD, the APNG frames, private chunks). We walk the chunk framing
 * ourselves rather than use a PNG library: a library decodes (inflates) the pixels, which the Worker never
 * does with untrusted input, and chunk framing is all this needs.
 */
import { invalidImage } from "./image-error";
import { joinBytes, type StrippedImage } from "./stripped-image";

/** Chunks kept: the critical ones and those that change how samples map to colours. */
export const PNG_KEPT_CHUNKS = new Set([
  "IHDR",
  "PLTE",
  "IDAT",
  "IEND",
  "tRNS",
  "gAMA",
  "cHRM",
  "sRGB",
  "iCCP",
  "sBIT",
  "cICP",
  "mDCV",
  "cLLI",
]);

function isCritical(type: string): boolean {
  // Bit 5 of the first byte clear (an upper-case letter) marks a chunk a decoder must understand.
  return (type.charCodeAt(0) & 0x20) === 0;
}

/** Strips a PNG whose layout {@link readPngHeader} has checked. */
export function stripPng(bytes: Uint8Array): StrippedImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  const removed: string[] = [];
  const exif: Uint8Array[] = [];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const end = at + 12 + length;
    if (end > bytes.length) throw invalidImage(`PNG chunk ${JSON.stringify(type)} runs past the end.`);
    if (PNG_KEPT_CHUNKS.has(type)) kept.push(bytes.subarray(at, end));
    else if (isCritical(type)) {
      throw invalidImage(
        `PNG has an unknown critical chunk ${JSON.stringify(type)}; no decoder can read it.`,
      );
    } else {
      removed.push(`PNG ${type}`);
      if (type === "eXIf") exif.push(bytes.subarray(at + 8, at + 8 + length));
    }
    at = end;
    if (type === "IEND") break;
  }
  return { bytes: removed.length === 0 ? bytes : joinBytes(kept), removed, exif };
}
