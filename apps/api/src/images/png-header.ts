/**
 * PNG structure check without decoding: signature, an IHDR chunk with a valid CRC, then a walk over chunk
 * lengths to IEND, which catches truncated files before any pixel is touched.
 */
import { crc32 } from "./crc32";
import type { ImageDimensions } from "./image-dimensions";
import { invalidImage } from "./image-error";

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

/** Reads a PNG's dimensions from IHDR and checks the chunk layout; throws `ImageRejectedError` (422). */
export function readPngHeader(bytes: Uint8Array): ImageDimensions {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 + 12 + 13) throw invalidImage(`PNG is ${bytes.length} bytes: too short for a header.`);
  if (view.getUint32(8) !== 13 || chunkType(bytes, 12) !== "IHDR") {
    throw invalidImage("PNG does not start with a 13-byte IHDR chunk.");
  }
  if (crc32(bytes.subarray(12, 12 + 4 + 13)) !== view.getUint32(12 + 4 + 13)) {
    throw invalidImage("PNG IHDR chunk has a bad CRC: the header is corrupt.");
  }
  const dimensions = { width: view.getUint32(16), height: view.getUint32(20) };
  let at = 8;
  let sawImageData = false;
  // Each chunk is at least 12 bytes, so this loop is bounded by the file length.
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const type = chunkType(bytes, at + 4);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) {
      throw invalidImage(`PNG is truncated: chunk ${JSON.stringify(type)} runs past the end of the file.`);
    }
    if (type === "IDAT") sawImageData = true;
    if (type === "IEND") {
      if (!sawImageData) throw invalidImage("PNG has no IDAT chunk.");
      if (end !== bytes.length) throw invalidImage(`PNG has ${bytes.length - end} bytes after IEND.`);
      return dimensions;
    }
    at = end;
  }
  throw invalidImage("PNG is truncated: it ends before the IEND chunk.");
}
