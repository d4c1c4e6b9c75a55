// The metadata stripper checked with a native decoder (sharp, libvips) in plain Node, for every fixture format,
// WebP included, which nothing decodes inside workerd: the decoded pixels are identical before and after, and
// sharp sees no EXIF, XMP, IPTC or text left, only the colour profile.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { inspectImage } from "../../src/images/inspect-image";
import { stripMetadata } from "../../src/images/strip-metadata";

const dir = fileURLToPath(new URL("../fixtures/metadata", import.meta.url));
const fixtures = readdirSync(dir).filter((name) => /\.(png|jpg|webp)$/.test(name) && name !== "rotated.jpg");

async function pixels(bytes: Uint8Array) {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels };
}

describe("stripMetadata, decoded by sharp", () => {
  it.each(fixtures)("keeps the pixels of %s identical", async (name) => {
    const original = new Uint8Array(readFileSync(`${dir}/${name}`));
    const { bytes } = stripMetadata(original, inspectImage(original, null).type);
    expect(bytes.length).toBeLessThan(original.length);
    const [before, after] = [await pixels(original), await pixels(bytes)];
    expect(after.data.length).toBe(before.width * before.height * before.channels);
    expect(after).toEqual(before);
  });

  it.each(fixtures)("leaves no EXIF, XMP, IPTC or text in %s", async (name) => {
    const original = new Uint8Array(readFileSync(`${dir}/${name}`));
    const { bytes } = stripMetadata(original, inspectImage(original, null).type);
    const [before, after] = [await sharp(original).metadata(), await sharp(bytes).metadata()];
    expect(Boolean(before.exif || before.xmp || before.comments?.length)).toBe(true);
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.comments ?? []).toEqual([]);
    expect(Boolean(after.icc)).toBe(Boolean(before.icc));
    expect([after.width, after.height, after.orientation ?? 1]).toEqual([before.width, before.height, 1]);
  });
});
