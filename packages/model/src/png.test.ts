import { readFile } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import expected from "../test/fixtures/png/expected.json";
import { ImageFormatError } from "./errors";
import { createImage } from "./image";
import { crc32, decodePng, encodePng } from "./png";

const fixture = (name: string): Promise<Buffer> =>
  readFile(new URL(`../test/fixtures/png/${name}`, import.meta.url));

function noise(width: number, height: number): ReturnType<typeof createImage> {
  const image = createImage(width, height);
  for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 37 + (i >> 3)) % 256;
  return image;
}

describe("PNG", () => {
  test.each([true, false])("round-trips RGBA pixels (compressed: %s)", async (compress) => {
    const image = noise(13, 9);
    const decoded = await decodePng(await encodePng(image, { compress }));
    expect(decoded.width).toBe(13);
    expect(decoded.height).toBe(9);
    expect(Array.from(decoded.data)).toEqual(Array.from(image.data));
  });

  test("writes stored blocks for images larger than one 64 KiB block", async () => {
    const image = noise(150, 120);
    const png = await encodePng(image, { compress: false });
    expect(png.length).toBeGreaterThan(150 * 120 * 4);
    expect(Array.from((await decodePng(png)).data)).toEqual(Array.from(image.data));
  });

  test.each(Object.keys(expected.rgba))(
    "decodes %s (written by Pillow) to the same RGBA as Pillow",
    async (name) => {
      const decoded = await decodePng(await fixture(name));
      const want = Buffer.from(expected.rgba[name as keyof typeof expected.rgba], "base64");
      expect([decoded.width, decoded.height]).toEqual([expected.width, expected.height]);
      expect(Array.from(decoded.data)).toEqual(Array.from(want));
    },
  );

  test("computes the standard CRC-32", () => {
    expect(crc32(new TextEncoder().encode("123456789")).toString(16)).toBe("cbf43926");
  });

  test("refuses bytes that are not a PNG", async () => {
    await expect(decodePng(new TextEncoder().encode("GIF89a...."))).rejects.toThrow(/not a PNG/);
  });

  test("rejects a PNG whose header claims 50000x50000", async () => {
    const png = await encodePng(createImage(2, 2));
    const view = new DataView(png.buffer, png.byteOffset);
    view.setUint32(16, 50_000);
    view.setUint32(20, 50_000);
    await expect(decodePng(png)).rejects.toThrow(/claims 50000x50000/);
  });

  test("refuses 16-bit PNGs with the fix in the message", async () => {
    const png = await encodePng(createImage(2, 2));
    png[24] = 16;
    const error = await decodePng(png).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageFormatError);
    expect((error as Error).message).toMatch(/16 bits.*Re-save it as 8-bit RGBA/);
  });
});
