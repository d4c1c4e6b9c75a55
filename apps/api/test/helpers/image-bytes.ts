/**
 * Tiny test images built in code. PNGs are real (encoded by fast-png), so they decode in any viewer; JPEG and
 * WebP are structurally valid headers with filler data, which is all the API reads (it never decodes pixels).
 * `seed` varies the bytes so each call can yield a distinct SHA-256. Real JPEG and WebP files with metadata are
 * in test/fixtures/metadata.
 */
import { encode } from "fast-png";
import { crc32 } from "../../src/images/crc32";

/** A real RGBA PNG of `width` x `height` whose pixels depend on `seed`. */
export function pngBytes(width = 16, height = 16, seed = 0): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      data[at] = (x * 16 + seed) & 255;
      data[at + 1] = (y * 16 + (seed >>> 8)) & 255;
      data[at + 2] = (seed * 7 + x + y) & 255;
      data[at + 3] = 255;
    }
  }
  return encode({ width, height, data, depth: 8, channels: 4 });
}

/** A 1x1 PNG whose IHDR (with a valid CRC) claims `width` x `height`: for header-only checks (50000x50000). */
export function pngClaiming(width: number, height: number): Uint8Array {
  const png = pngBytes(1, 1).slice();
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(png.subarray(12, 29)));
  return png;
}

/** A baseline JPEG header (SOI, APP0, SOF0, SOS) with filler scan data and EOI. */
export function jpegBytes(width = 16, height = 16, seed = 0): Uint8Array {
  const app0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof0 = [0xff, 0xc0, 0, 11, 8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0];
  const sos = [0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0];
  const scan = [seed & 255, (seed >> 8) & 255, 0x12, 0x34];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, ...sos, ...scan, 0xff, 0xd9]);
}

/** A lossless WebP (VP8L) header with filler data, RIFF length exact. */
export function webpBytes(width = 16, height = 16, seed = 0): Uint8Array {
  const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14);
  const vp8l = [
    0x2f,
    bits & 255,
    (bits >>> 8) & 255,
    (bits >>> 16) & 255,
    (bits >>> 24) & 255,
    seed & 255,
    0,
  ];
  const le32 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
  const body = [..."WEBP"].map((c) => c.charCodeAt(0)).concat([..."VP8L"].map((c) => c.charCodeAt(0)));
  const payload = [...body, ...le32(vp8l.length), ...vp8l, ...(vp8l.length % 2 ? [0] : [])];
  return new Uint8Array([..."RIFF"].map((c) => c.charCodeAt(0)).concat(le32(payload.length), payload));
}
