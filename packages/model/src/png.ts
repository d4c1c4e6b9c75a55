// A small PNG encoder and decoder for 8-bit RGBA images, with no dependencies. Compression uses the
// platform's zlib stream (CompressionStream / DecompressionStream: browsers and Node ≥ 18); where there is no
// CompressionStream the encoder writes stored (uncompressed) deflate blocks, which every PNG reader accepts.
import { ImageFormatError } from "./errors";
import { createImage, assertImage, type RgbaImage } from "./image";

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** Largest width or height {@link decodePng} accepts, so a forged header cannot demand gigabytes. */
export const MAX_PNG_SIDE = 4096;

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /** Deflate-compress the pixels (default true); false writes stored blocks: larger, but no stream needed. */
  compress?: boolean;
  /**
   * Row filters (PNG spec §9): `"none"` (default, fastest) or `"adaptive"`, per row the filter with the
   * smallest sum of absolute values (libpng's heuristic), which deflates sprite atlases ~2x smaller.
   */
  filter?: "none" | "adaptive";
}

/** Encodes an RGBA image as a PNG file (colour type 6, 8 bits, no interlace; row filters: `options.filter`). */
export async function encodePng(image: RgbaImage, options: EncodePngOptions = {}): Promise<Uint8Array> {
  assertImage(image);
  const stride = image.width * 4;
  const raw = new Uint8Array((stride + 1) * image.height);
  for (let y = 0; y < image.height; y++) {
    const row = image.data.subarray(y * stride, (y + 1) * stride);
    const above = y > 0 ? image.data.subarray((y - 1) * stride, y * stride) : undefined;
    if (options.filter === "adaptive") filterRow(row, above, raw, y * (stride + 1));
    else raw.set(row, y * (stride + 1) + 1);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, image.width);
  view.setUint32(4, image.height);
  header.set([8, 6, 0, 0, 0], 8);
  return concat([
    new Uint8Array(SIGNATURE),
    chunk("IHDR", header),
    chunk("IDAT", options.compress === false ? storedZlib(raw) : await zlibDeflate(raw)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/** Writes `row` at `out[at]` (filter byte first) with whichever of the five filters gives the smallest sum. */
function filterRow(
  row: Uint8Array | Uint8ClampedArray,
  above: ArrayLike<number> | undefined,
  out: Uint8Array,
  at: number,
) {
  const n = row.length;
  let best: Uint8Array | undefined;
  let bestType = 0;
  let bestSum = Infinity;
  for (let type = 0; type < 5; type++) {
    const filtered = new Uint8Array(n);
    let sum = 0;
    for (let x = 0; x < n; x++) {
      const a = x >= 4 ? (row[x - 4] as number) : 0;
      const b = above ? (above[x] as number) : 0;
      const c = above && x >= 4 ? (above[x - 4] as number) : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type] as number;
      const value = ((row[x] as number) - predictor) & 255;
      filtered[x] = value;
      sum += value < 128 ? value : 256 - value;
    }
    if (sum < bestSum) [best, bestType, bestSum] = [filtered, type, sum];
  }
  out[at] = bestType;
  out.set(best as Uint8Array, at + 1);
}

/**
 * Decodes a PNG (8-bit grey, grey+alpha, RGB, RGBA, or palette of 1–8 bits with tRNS; not interlaced) into
 * RGBA. @throws ImageFormatError for anything else, naming what was found.
 */
export async function decodePng(bytes: Uint8Array): Promise<RgbaImage> {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new ImageFormatError("The bytes are not a PNG (wrong signature); pass a .png file.");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
  let header: PngHeader | undefined;
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") header = readHeader(body);
    else if (type === "PLTE") palette = body;
    else if (type === "tRNS") transparency = body;
    else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    at += 12 + length;
  }
  if (!header) throw new ImageFormatError("The PNG has no IHDR chunk; the file is truncated or not a PNG.");
  const raw = await zlibInflate(concat(idat));
  const pixels = unfilter(raw, header);
  return toRgba(pixels, header, palette, transparency);
}

interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colourType: number;
  channels: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function readHeader(body: Uint8Array): PngHeader {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [depth, colourType, , , interlace] = body.subarray(8, 13);
  if (width < 1 || height < 1 || width > MAX_PNG_SIDE || height > MAX_PNG_SIDE) {
    throw new ImageFormatError(
      `The PNG header claims ${width}x${height}, expected sides 1..${MAX_PNG_SIDE}.`,
    );
  }
  const channels = CHANNELS[colourType as number];
  const depthOk = depth === 8 || (colourType === 3 && (depth === 1 || depth === 2 || depth === 4));
  if (channels === undefined || !depthOk || interlace !== 0) {
    throw new ImageFormatError(
      `The PNG is colour type ${colourType}, ${depth} bits, interlace ${interlace}; expected 8-bit grey/RGB/RGBA ` +
        "or palette, not interlaced. Re-save it as 8-bit RGBA.",
    );
  }
  return { width, height, depth: depth as number, colourType: colourType as number, channels };
}

/** Undoes the per-row filters (PNG spec §9) → packed samples, `rowBytes` per row. */
function unfilter(raw: Uint8Array, h: PngHeader): Uint8Array {
  const bpp = Math.max(1, (h.channels * h.depth) / 8);
  const rowBytes = Math.ceil((h.width * h.channels * h.depth) / 8);
  if (raw.length < (rowBytes + 1) * h.height) {
    throw new ImageFormatError(
      `The PNG data has ${raw.length} bytes, expected ${(rowBytes + 1) * h.height}.`,
    );
  }
  const out = new Uint8Array(rowBytes * h.height);
  for (let y = 0; y < h.height; y++) {
    const filter = raw[y * (rowBytes + 1)] as number;
    const src = y * (rowBytes + 1) + 1;
    const row = y * rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const a = x >= bpp ? (out[row + x - bpp] as number) : 0;
      const b = y > 0 ? (out[row - rowBytes + x] as number) : 0;
      const c = x >= bpp && y > 0 ? (out[row - rowBytes + x - bpp] as number) : 0;
      const value = raw[src + x] as number;
      if (filter === 0) out[row + x] = value;
      else if (filter === 1) out[row + x] = value + a;
      else if (filter === 2) out[row + x] = value + b;
      else if (filter === 3) out[row + x] = value + ((a + b) >> 1);
      else if (filter === 4) out[row + x] = value + paeth(a, b, c);
      else
        throw new ImageFormatError(`PNG row ${y} uses filter ${filter}, expected 0..4; the file is corrupt.`);
    }
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

function toRgba(pixels: Uint8Array, h: PngHeader, palette?: Uint8Array, trns?: Uint8Array): RgbaImage {
  const image = createImage(h.width, h.height);
  const rowBytes = Math.ceil((h.width * h.channels * h.depth) / 8);
  for (let y = 0; y < h.height; y++) {
    for (let x = 0; x < h.width; x++) {
      const o = (y * h.width + x) * 4;
      const s = y * rowBytes + x * h.channels;
      const px = (k: number): number => pixels[s + k] as number;
      if (h.colourType === 6) image.data.set([px(0), px(1), px(2), px(3)], o);
      else if (h.colourType === 2) image.data.set([px(0), px(1), px(2), 255], o);
      else if (h.colourType === 0) image.data.set([px(0), px(0), px(0), 255], o);
      else if (h.colourType === 4) image.data.set([px(0), px(0), px(0), px(1)], o);
      else {
        const bit = x * h.depth;
        const byte = pixels[y * rowBytes + (bit >> 3)] as number;
        const index = (byte >> (8 - h.depth - (bit & 7))) & ((1 << h.depth) - 1);
        if (!palette || index * 3 + 2 >= palette.length) {
          throw new ImageFormatError(
            `PNG palette index ${index} is outside its palette; the file is corrupt.`,
          );
        }
        image.data.set(
          [palette[index * 3]!, palette[index * 3 + 1]!, palette[index * 3 + 2]!, trns?.[index] ?? 255],
          o,
        );
      }
    }
  }
  return image;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO-HDLC), as PNG chunks use. */
export function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

async function zlibDeflate(raw: Uint8Array): Promise<Uint8Array> {
  if (typeof CompressionStream === "function") return pipe(raw, new CompressionStream("deflate"));
  return storedZlib(raw);
}

async function zlibInflate(data: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream !== "function") {
    throw new ImageFormatError(
      "Decoding PNG needs DecompressionStream (browsers, Node ≥ 18); it is missing here.",
    );
  }
  try {
    return await pipe(data, new DecompressionStream("deflate"));
  } catch (error) {
    throw new ImageFormatError(`The PNG's compressed data is corrupt (${String(error)}).`);
  }
}

async function pipe(input: Uint8Array, transform: GenericTransformStream): Promise<Uint8Array> {
  const stream = new Blob([input as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** zlib stream of stored deflate blocks (RFC 1950/1951) with its Adler-32 trailer. */
function storedZlib(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + raw.length + blocks * 5 + 4);
  out.set([0x78, 0x01]);
  let at = 2;
  for (let i = 0; i < blocks; i++) {
    const part = raw.subarray(i * 65535, (i + 1) * 65535);
    out.set(
      [
        i === blocks - 1 ? 1 : 0,
        part.length & 0xff,
        part.length >> 8,
        ~part.length & 0xff,
        (~part.length >> 8) & 0xff,
      ],
      at,
    );
    out.set(part, at + 5);
    at += 5 + part.length;
  }
  let a = 1;
  let b = 0;
  for (const byte of raw) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  new DataView(out.buffer).setUint32(at, ((b << 16) | a) >>> 0);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
