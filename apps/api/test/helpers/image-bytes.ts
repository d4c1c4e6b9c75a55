/**
 * Tiny test images built in code. The PNG encoder is real (stored deflate blocks, CRC-32, Adler-32), so the
 * files decode in any viewer; JPEG and WebP are structurally valid headers with filler data, which is all the
 * API reads (it never decodes pixels). `seed` varies the bytes so each call can yield a distinct SHA-256.
 */
import { crc32 } from "../../src/images/crc32";

function u32(value: number): number[] {
  return [(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
}

function chunk(type: string, data: Uint8Array | number[]): number[] {
  const typed = [...type].map((ch) => ch.charCodeAt(0));
  const body = new Uint8Array([...typed, ...data]);
  return [...u32(data.length), ...body, ...u32(crc32(body))];
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib stream of stored (uncompressed) deflate blocks. */
function zlibStored(raw: Uint8Array): Uint8Array {
  const out: number[] = [0x78, 0x01];
  for (let at = 0; at < raw.length || at === 0; at += 65535) {
    const block = raw.subarray(at, at + 65535);
    const last = at + 65535 >= raw.length ? 1 : 0;
    out.push(last, block.length & 255, block.length >>> 8, ~block.length & 255, (~block.length >>> 8) & 255);
    out.push(...block);
    if (raw.length === 0) break;
  }
  out.push(...u32(adler32(raw)));
  return new Uint8Array(out);
}

/** A real RGBA PNG of `width` x `height` whose pixels depend on `seed`. */
export function pngBytes(width = 16, height = 16, seed = 0): Uint8Array {
  const raw = new Uint8Array(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * 4);
    for (let x = 0; x < width; x++) {
      const at = row + 1 + x * 4;
      raw[at] = (x * 16 + seed) & 255;
      raw[at + 1] = (y * 16 + (seed >>> 8)) & 255;
      raw[at + 2] = (seed * 7 + x + y) & 255;
      raw[at + 3] = 255;
    }
  }
  return pngWithIdat(width, height, zlibStored(raw));
}

/** A PNG whose IHDR claims `width` x `height` over a tiny IDAT: for header-only checks (e.g. 50000x50000). */
export function pngClaiming(width: number, height: number): Uint8Array {
  return pngWithIdat(width, height, zlibStored(new Uint8Array([0, 0, 0, 0, 0])));
}

function pngWithIdat(width: number, height: number, idat: Uint8Array): Uint8Array {
  const ihdr = [...u32(width), ...u32(height), 8, 6, 0, 0, 0];
  return new Uint8Array([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...chunk("IHDR", ihdr),
    ...chunk("IDAT", idat),
    ...chunk("IEND", []),
  ]);
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
