// Minimal PNG reading and writing: enough to check the 64x64 RGBA contract and to re-encode the few
// emoji-datasource PNGs stored as palette or grey+alpha into 8-bit RGBA, losslessly.
import { crc32, deflateSync, inflateSync } from "node:zlib";
import { PngFormatError } from "./errors";

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** Side of every seed image, in pixels. */
export const SEED_IMAGE_SIZE = 64;

/** Fields of a PNG's IHDR chunk. */
export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colourType: number;
  interlace: number;
}

/** Decoded pixels: `rgba` holds width*height*4 bytes, rows top to bottom. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Whether the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads the IHDR chunk; throws {@link PngFormatError} when the bytes are not a PNG. */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  if (!isPng(bytes) || bytes.length < 33) {
    throw new PngFormatError(
      `${bytes.length} bytes are not a PNG (no PNG signature and IHDR); expected a PNG file`,
    );
  }
  const v = view(bytes);
  const [bitDepth = 0, colourType = 0, , , interlace = 0] = bytes.subarray(24, 29);
  return { width: v.getUint32(16), height: v.getUint32(20), bitDepth, colourType, interlace };
}

/** Whether the PNG is exactly the seed contract: 64x64, 8-bit RGBA, not interlaced. */
export function isSeedPng(bytes: Uint8Array): boolean {
  if (!isPng(bytes)) return false;
  const h = readPngHeader(bytes);
  const size = SEED_IMAGE_SIZE;
  return h.width === size && h.height === size && h.bitDepth === 8 && h.colourType === 6 && h.interlace === 0;
}

function chunks(bytes: Uint8Array): { type: string; data: Uint8Array }[] {
  const out: { type: string; data: Uint8Array }[] = [];
  const v = view(bytes);
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = v.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    out.push({ type, data: bytes.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
    if (type === "IEND") break;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Reverses the per-row filters in place; returns the raw rows without their filter bytes. */
function unfilter(data: Uint8Array, rowBytes: number, height: number, bpp: number): Uint8Array {
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (rowBytes + 1)] ?? 0;
    const src = y * (rowBytes + 1) + 1;
    const row = y * rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const a = x >= bpp ? (out[row + x - bpp] ?? 0) : 0;
      const b = y > 0 ? (out[row - rowBytes + x] ?? 0) : 0;
      const c = x >= bpp && y > 0 ? (out[row - rowBytes + x - bpp] ?? 0) : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined)
        throw new PngFormatError(`PNG row ${y} uses filter ${filter}; expected 0-4`);
      out[row + x] = ((data[src + x] ?? 0) + predictor) & 0xff;
    }
  }
  return out;
}

/** The decoded rows, their layout and the palette / transparency chunks needed to expand them to RGBA. */
interface PngSamples {
  header: PngHeader;
  channels: number;
  rowBytes: number;
  raw: Uint8Array;
  palette: Uint8Array;
  alpha: Uint8Array;
}

/** The RGBA value of pixel (x, y): palette lookup, grey expansion, tRNS colour keys and bit-depth scaling. */
function pixel(p: PngSamples, x: number, y: number): number[] {
  const { bitDepth, colourType } = p.header;
  const max = (1 << bitDepth) - 1;
  const s = (c: number): number => {
    const bit = (x * p.channels + c) * bitDepth;
    const byte = p.raw[y * p.rowBytes + (bit >> 3)] ?? 0;
    return bitDepth === 8 ? byte : (byte >> (8 - bitDepth - (bit & 7))) & max;
  };
  const scale = (value: number): number => Math.round((value * 255) / max);
  // tRNS of grey / RGB images names one transparent colour as 16-bit samples; -1 when absent.
  const key = (c: number): number => (p.alpha.length >= (c + 1) * 2 ? view(p.alpha).getUint16(c * 2) : -1);
  if (colourType === 3) {
    const i = s(0);
    return [p.palette[i * 3] ?? 0, p.palette[i * 3 + 1] ?? 0, p.palette[i * 3 + 2] ?? 0, p.alpha[i] ?? 255];
  }
  if (colourType === 0 || colourType === 4) {
    const g = scale(s(0));
    return [g, g, g, colourType === 4 ? scale(s(1)) : s(0) === key(0) ? 0 : 255];
  }
  const clear = s(0) === key(0) && s(1) === key(1) && s(2) === key(2);
  return [scale(s(0)), scale(s(1)), scale(s(2)), colourType === 6 ? scale(s(3)) : clear ? 0 : 255];
}

/** Decodes a non-interlaced PNG of 1-8 bit depth and any colour type into RGBA. */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const header = readPngHeader(bytes);
  const channels = CHANNELS[header.colourType];
  if (channels === undefined || header.interlace !== 0 || header.bitDepth > 8) {
    throw new PngFormatError(
      `PNG with colour type ${header.colourType}, bit depth ${header.bitDepth}, interlace ${header.interlace} ` +
        `is not supported; expected a non-interlaced PNG of at most 8 bits per sample (re-save it without interlacing)`,
    );
  }
  const parts = chunks(bytes);
  const idat = Buffer.concat(parts.filter((c) => c.type === "IDAT").map((c) => c.data));
  const rowBytes = Math.ceil((header.width * channels * header.bitDepth) / 8);
  const bpp = Math.max(1, (channels * header.bitDepth) >> 3);
  const samples: PngSamples = {
    header,
    channels,
    rowBytes,
    raw: unfilter(inflateSync(idat), rowBytes, header.height, bpp),
    palette: parts.find((c) => c.type === "PLTE")?.data ?? new Uint8Array(0),
    alpha: parts.find((c) => c.type === "tRNS")?.data ?? new Uint8Array(0),
  };
  const rgba = new Uint8Array(header.width * header.height * 4);
  for (let y = 0; y < header.height; y++) {
    for (let x = 0; x < header.width; x++) rgba.set(pixel(samples, x, y), (y * header.width + x) * 4);
  }
  return { width: header.width, height: header.height, rgba };
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes RGBA pixels as an 8-bit RGBA PNG (filter "up" on every row, deflate level 9): deterministic. */
export function encodeRgbaPng(image: RgbaImage): Uint8Array {
  const { width, height, rgba } = image;
  const stride = width * 4;
  const filtered = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    filtered[y * (stride + 1)] = 2;
    for (let x = 0; x < stride; x++) {
      const up = y > 0 ? (rgba[(y - 1) * stride + x] ?? 0) : 0;
      filtered[y * (stride + 1) + 1 + x] = ((rgba[y * stride + x] ?? 0) - up) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from(PNG_SIGNATURE),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(filtered, { level: 9 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/**
 * Returns the bytes unchanged when they already meet the seed contract (64x64 8-bit RGBA), else the
 * same pixels re-encoded as RGBA. Throws {@link PngFormatError} for any other size: resizing is not its job.
 */
export function toSeedPng(bytes: Uint8Array): Uint8Array {
  if (isSeedPng(bytes)) return bytes;
  const image = decodePng(bytes);
  if (image.width !== SEED_IMAGE_SIZE || image.height !== SEED_IMAGE_SIZE) {
    throw new PngFormatError(
      `PNG is ${image.width}x${image.height}; expected ${SEED_IMAGE_SIZE}x${SEED_IMAGE_SIZE} ` +
        `(use the emoji-datasource img/<set>/64 folder, or rasterise the SVG instead)`,
    );
  }
  return encodeRgbaPng(image);
}
