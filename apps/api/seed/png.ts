// PNG reading and writing for the seed builder: enough to check the 64x64 RGBA contract and to re-encode the
// few emoji-datasource PNGs stored as palette or grey+alpha into 8-bit RGBA, losslessly. Inflate, filters,
// CRCs and deflate come from fast-png (a maintained pure-JS codec); this file only reads the IHDR fields the
// contract names and expands palette, grey and colour-key transparency to RGBA.
import { convertIndexedToRgb, decode, encode, type DecodedPng } from "fast-png";
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

/** Whether the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Reads the IHDR chunk; throws {@link PngFormatError} when the bytes are not a PNG. */
export function readPngHeader(bytes: Uint8Array): PngHeader {
  if (!isPng(bytes) || bytes.length < 33) {
    throw new PngFormatError(
      `${bytes.length} bytes are not a PNG (no PNG signature and IHDR); expected a PNG file`,
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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

/** Sample `c` of pixel `i` as stored, from rows packed at `depth` bits (fast-png keeps depths below 8 packed). */
function sampler(png: DecodedPng): (i: number, c: number) => number {
  const { width, depth, channels, data } = png;
  if (depth >= 8) return (i, c) => data[i * channels + c] ?? 0;
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  return (i, c) => {
    const bit = ((i % width) * channels + c) * depth;
    const byte = data[Math.floor(i / width) * rowBytes + (bit >> 3)] ?? 0;
    return (byte >> (8 - depth - (bit & 7))) & (2 ** depth - 1);
  };
}

/** Expands any decoded PNG to 8-bit RGBA. */
function toRgba(png: DecodedPng): Uint8Array {
  const count = png.width * png.height;
  const rgba = new Uint8Array(count * 4);
  if (png.palette) {
    const expanded = convertIndexedToRgb(png);
    const stride = expanded.length / count;
    for (let i = 0; i < count; i++) {
      rgba.set(expanded.subarray(i * stride, i * stride + 3), i * 4);
      rgba[i * 4 + 3] = stride === 4 ? (expanded[i * 4 + 3] ?? 255) : 255;
    }
    return rgba;
  }
  const sample = sampler(png);
  const max = 2 ** png.depth - 1;
  const to8 = (i: number, c: number) => Math.round((sample(i, c) * 255) / max);
  const colourChannels = png.channels >= 3 ? [0, 1, 2] : [0, 0, 0];
  const hasAlpha = png.channels === 2 || png.channels === 4;
  // tRNS of grey / RGB images names one transparent colour, in the image's own sample values.
  const key = png.transparency ? [...png.transparency] : null;
  for (let i = 0; i < count; i++) {
    const keyed = key !== null && key.every((value, c) => sample(i, c) === value);
    const alpha = hasAlpha ? to8(i, png.channels - 1) : keyed ? 0 : 255;
    rgba.set([...colourChannels.map((c) => to8(i, c)), alpha], i * 4);
  }
  return rgba;
}

/** Decodes a PNG of any colour type and bit depth into 8-bit RGBA. */
export function decodePng(bytes: Uint8Array): RgbaImage {
  readPngHeader(bytes);
  let png: DecodedPng;
  try {
    png = decode(bytes);
  } catch (err) {
    throw new PngFormatError(`PNG could not be decoded (${String(err)}); re-save it as a plain PNG`);
  }
  return { width: png.width, height: png.height, rgba: toRgba(png) };
}

/** Encodes RGBA pixels as an 8-bit RGBA PNG; the same pixels always give the same bytes. */
export function encodeRgbaPng(image: RgbaImage): Uint8Array {
  return encode({ width: image.width, height: image.height, data: image.rgba, depth: 8, channels: 4 });
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
