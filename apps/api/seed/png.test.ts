import { crc32, deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { PngFormatError } from "./errors";
import { PNG_SIGNATURE, decodePng, encodeRgbaPng, isPng, isSeedPng, readPngHeader, toSeedPng } from "./png";

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
  return out;
}

/** A PNG from already-packed rows (filter byte 0 added here) and extra chunks before IDAT. */
function rawPng(
  size: number,
  bitDepth: number,
  colourType: number,
  rows: number[][],
  extra: Buffer[] = [],
): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([bitDepth, colourType, 0, 0, 0], 8);
  const data = Buffer.from(rows.flatMap((row) => [0, ...row]));
  return Buffer.concat([
    Buffer.from(PNG_SIGNATURE),
    chunk("IHDR", ihdr),
    ...extra,
    chunk("IDAT", deflateSync(data)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

function checkerRgba(size: number): Uint8Array {
  const rgba = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++)
    rgba.set(i % 3 === 0 ? [255, 0, 0, 255] : [0, 0, 255, i % 2 ? 0 : 128], i * 4);
  return rgba;
}

describe("PNG encoding", () => {
  it("writes a 64x64 8-bit RGBA PNG that decodes to the same pixels", () => {
    const rgba = checkerRgba(64);
    const png = encodeRgbaPng({ width: 64, height: 64, rgba });
    expect([...png.subarray(0, 8)]).toEqual([...PNG_SIGNATURE]);
    expect(readPngHeader(png)).toEqual({ width: 64, height: 64, bitDepth: 8, colourType: 6, interlace: 0 });
    expect(isSeedPng(png)).toBe(true);
    expect(decodePng(png).rgba).toEqual(rgba);
  });

  it("is deterministic", () => {
    const image = { width: 8, height: 8, rgba: checkerRgba(8) };
    expect(encodeRgbaPng(image)).toEqual(encodeRgbaPng(image));
  });
});

describe("toSeedPng", () => {
  it("returns a seed-contract PNG unchanged", () => {
    const png = encodeRgbaPng({ width: 64, height: 64, rgba: checkerRgba(64) });
    expect(toSeedPng(png)).toBe(png);
  });

  it("re-encodes a 4-bit palette PNG with transparency as RGBA", () => {
    const palette = chunk("PLTE", Uint8Array.from([255, 0, 0, 0, 255, 0]));
    const alpha = chunk("tRNS", Uint8Array.from([0]));
    const row = Array.from({ length: 32 }, () => 0x01);
    const png = rawPng(
      64,
      4,
      3,
      Array.from({ length: 64 }, () => row),
      [palette, alpha],
    );
    const out = toSeedPng(png);
    expect(isSeedPng(out)).toBe(true);
    const { rgba } = decodePng(out);
    expect([...rgba.subarray(0, 8)]).toEqual([255, 0, 0, 0, 0, 255, 0, 255]);
  });

  it("re-encodes a grey+alpha PNG as RGBA", () => {
    const row = Array.from({ length: 64 }, () => [200, 100]).flat();
    const out = toSeedPng(
      rawPng(
        64,
        8,
        4,
        Array.from({ length: 64 }, () => row),
      ),
    );
    expect([...decodePng(out).rgba.subarray(0, 4)]).toEqual([200, 200, 200, 100]);
  });

  it("re-encodes a 2-bit grey PNG with a tRNS colour key as RGBA", () => {
    const alpha = chunk("tRNS", Uint8Array.from([0, 3]));
    // Samples 3, 1, 0, 2 repeated: 0b11010010 = 0xd2; sample value 3 is the transparent key.
    const row = Array.from({ length: 16 }, () => 0xd2);
    const out = toSeedPng(
      rawPng(
        64,
        2,
        0,
        Array.from({ length: 64 }, () => row),
        [alpha],
      ),
    );
    expect(isSeedPng(out)).toBe(true);
    expect([...decodePng(out).rgba.subarray(0, 16)]).toEqual([
      255, 255, 255, 0, 85, 85, 85, 255, 0, 0, 0, 255, 170, 170, 170, 255,
    ]);
  });

  it("rejects a PNG of another size, naming the size", () => {
    const png = encodeRgbaPng({ width: 8, height: 8, rgba: checkerRgba(8) });
    expect(() => toSeedPng(png)).toThrow(PngFormatError);
    expect(() => toSeedPng(png)).toThrow(/8x8/);
  });

  it("rejects bytes that are not a PNG", () => {
    expect(isPng(Uint8Array.from([1, 2, 3]))).toBe(false);
    expect(() => readPngHeader(new TextEncoder().encode("<svg/>"))).toThrow(PngFormatError);
  });
});
