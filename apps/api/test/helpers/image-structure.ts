/**
 * Independent readers of image container structure for the metadata tests: the list of PNG chunks, JPEG
 * segments (with the entropy-coded data after each SOS) and WebP chunks, written apart from the stripper so
 * a test does not check the stripper against itself. Also the fixtures of test/fixtures/metadata.
 */
import { fromBase64 } from "@commonspace/manifest";
import { env } from "cloudflare:workers";

/** Bytes of a file in test/fixtures/metadata (passed in by vitest.config.ts). */
export function fixture(name: string): Uint8Array {
  const base64 = env.TEST_IMAGE_FIXTURES[name];
  const bytes = base64 === undefined ? null : fromBase64(base64);
  if (!bytes) throw new Error(`no fixture ${name}; run test/fixtures/metadata/make-fixtures.py`);
  return bytes;
}

const ascii = (bytes: Uint8Array, at: number, n: number) =>
  String.fromCharCode(...bytes.subarray(at, at + n));

/** PNG chunks in order. */
export function pngChunks(bytes: Uint8Array): { type: string; data: Uint8Array }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    chunks.push({ type: ascii(bytes, at + 4, 4), data: bytes.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

/** A JPEG segment: its marker and all its bytes (for SOS, the entropy-coded data after it as `scan`). */
export interface JpegSegment {
  marker: number;
  bytes: Uint8Array;
  scan?: Uint8Array;
}

/** JPEG segments from SOI to the first EOI, and how many bytes follow that EOI. */
export function jpegSegments(bytes: Uint8Array): { segments: JpegSegment[]; trailing: number } {
  const segments: JpegSegment[] = [];
  let at = 2;
  while (at < bytes.length) {
    while (bytes[at] === 0xff && bytes[at + 1] === 0xff) at++;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xd9) return { segments, trailing: bytes.length - at - 2 };
    const length = ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    const segment: JpegSegment = { marker, bytes: bytes.subarray(at, at + 2 + length) };
    at += 2 + length;
    if (marker === 0xda) {
      let end = at;
      for (;;) {
        end = bytes.indexOf(0xff, end);
        const next = bytes[end + 1] ?? 0;
        if (next === 0 || (next >= 0xd0 && next <= 0xd7)) end += 2;
        else break;
      }
      segment.scan = bytes.subarray(at, end);
      at = end;
    }
    segments.push(segment);
  }
  throw new Error("JPEG without EOI");
}

/** WebP chunks in order (FourCC and payload). */
export function webpChunks(bytes: Uint8Array): { fourcc: string; data: Uint8Array }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks = [];
  for (let at = 12; at + 8 <= bytes.length;) {
    const size = view.getUint32(at + 4, true);
    chunks.push({ fourcc: ascii(bytes, at, 4), data: bytes.subarray(at + 8, at + 8 + size) });
    at += 8 + size + (size % 2);
  }
  return chunks;
}

/** Words planted in the fixtures' metadata (EXIF make/model, XMP, IPTC, text chunks, comments). */
export const PLANTED = [
  "SecretCam",
  "Model 7 GPS",
  "2026:11:05",
  "Secret Person",
  "52.52N",
  "52,31.2N",
  "ns.adobe.com/xap",
  "Photoshop 3.0",
  "shot at home",
  "SecretEditor",
  "private camera data",
  "Exif",
];

/** Which planted words occur anywhere in `bytes` (as Latin-1 text). */
export function plantedIn(bytes: Uint8Array): string[] {
  const text = new TextDecoder("latin1").decode(bytes);
  return PLANTED.filter((word) => text.includes(word));
}
