/**
 * WebP header check without decoding: the RIFF container length must match the file exactly (catching
 * truncation), and the first chunk gives the dimensions: VP8 (lossy), VP8L (lossless) or VP8X (extended).
 */
import { invalidImage } from "./image-error";
import type { ImageDimensions } from "./image-dimensions";

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** Reads a WebP's dimensions from its first chunk; throws `ImageRejectedError` (422). */
export function readWebpHeader(bytes: Uint8Array): ImageDimensions {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 25) throw invalidImage(`WebP is ${bytes.length} bytes: too short for a header.`);
  const riffEnd = view.getUint32(4, true) + 8;
  if (riffEnd > bytes.length) throw invalidImage("WebP is truncated: the RIFF length exceeds the file.");
  if (riffEnd !== bytes.length)
    throw invalidImage(`WebP has ${bytes.length - riffEnd} bytes after RIFF data.`);
  const chunk = ascii(bytes, 12, 4);
  const chunkLength = view.getUint32(16, true);
  if (20 + chunkLength > bytes.length)
    throw invalidImage(`WebP ${chunk} chunk runs past the end of the file.`);
  const data = 20;
  if (chunk === "VP8 ") {
    if (
      chunkLength < 10 ||
      bytes[data + 3] !== 0x9d ||
      bytes[data + 4] !== 0x01 ||
      bytes[data + 5] !== 0x2a
    ) {
      throw invalidImage("WebP VP8 frame header lacks its start code.");
    }
    return {
      width: view.getUint16(data + 6, true) & 0x3fff,
      height: view.getUint16(data + 8, true) & 0x3fff,
    };
  }
  if (chunk === "VP8L") {
    if (chunkLength < 5 || bytes[data] !== 0x2f) throw invalidImage("WebP VP8L header lacks its signature.");
    const bits = view.getUint32(data + 1, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") {
    if (chunkLength < 10) throw invalidImage("WebP VP8X header is too short.");
    const u24 = (at: number) => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16);
    return { width: u24(data + 4) + 1, height: u24(data + 7) + 1 };
  }
  throw invalidImage(`WebP first chunk is ${JSON.stringify(chunk)}, not VP8, VP8L or VP8X.`);
}
