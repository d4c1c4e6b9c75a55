// The metadata stripper on real files (test/fixtures/metadata, made with PIL by make-fixtures.py): every
// metadata block is gone, the compressed pixel data is byte for byte the same, and the decoded pixels are
// identical (PNG with fast-png, JPEG with jpeg-js, both pure JS and so usable inside workerd; WebP, which has
// no pure-JS decoder, is decoded with sharp in test/node/strip-metadata.node.test.ts).
import { decode as decodePng } from "fast-png";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { fixture, jpegSegments, plantedIn, pngChunks, webpChunks } from "../../test/helpers/image-structure";
import { jpegBytes, pngBytes, webpBytes } from "../../test/helpers/image-bytes";
import { ImageRejectedError } from "./image-error";
import { inspectImage } from "./inspect-image";
import { stripMetadata } from "./strip-metadata";

function strip(name: string) {
  const original = fixture(name);
  const info = inspectImage(original, null);
  const stripped = stripMetadata(original, info.type);
  // The stripped file still passes the gate every stored image passes, with the same dimensions.
  expect(inspectImage(stripped.bytes, info.type)).toMatchObject({ width: info.width, height: info.height });
  return { original, ...stripped };
}

const decodeJpeg = (bytes: Uint8Array) => jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
const pixelData = (segments: { marker: number; bytes: Uint8Array; scan?: Uint8Array }[]) =>
  segments.filter((s) => !(s.marker >= 0xe0 && s.marker <= 0xef) && s.marker !== 0xfe);

describe("stripMetadata on PNG", () => {
  it.each(["text-exif.png", "palette-text.png"])(
    "removes text, EXIF, time and private chunks from %s",
    (name) => {
      const { original, bytes, removed } = strip(name);
      expect(plantedIn(original).length).toBeGreaterThan(0);
      expect(plantedIn(bytes)).toEqual([]);
      const before = pngChunks(original).map((c) => c.type);
      const after = pngChunks(bytes).map((c) => c.type);
      for (const gone of ["tEXt", "zTXt", "iTXt", "eXIf", "tIME", "pHYs", "prVt"])
        expect(after).not.toContain(gone);
      expect(after).toEqual(
        before.filter((type) => ["IHDR", "PLTE", "tRNS", "iCCP", "IDAT", "IEND"].includes(type)),
      );
      expect(removed).toEqual(before.filter((type) => !after.includes(type)).map((type) => `PNG ${type}`));
    },
  );

  it.each(["text-exif.png", "palette-text.png"])("keeps the pixels of %s identical", (name) => {
    const { original, bytes } = strip(name);
    const idat = (png: Uint8Array) =>
      pngChunks(png)
        .filter((c) => c.type === "IDAT")
        .map((c) => [...c.data]);
    expect(idat(bytes)).toEqual(idat(original));
    const [a, b] = [decodePng(original), decodePng(bytes)];
    expect(Object.keys(a.text).length).toBeGreaterThan(0);
    expect(b.text).toEqual({});
    expect({ ...b, text: {} }).toEqual({ ...a, text: {}, resolution: b.resolution });
    expect(b.data).toEqual(a.data);
    expect(b.transparency).toEqual(a.transparency);
    expect(b.iccEmbeddedProfile).toEqual(a.iccEmbeddedProfile);
  });

  it("returns a clean PNG as the same bytes, so clean seed images keep their SHA-256", () => {
    const png = pngBytes(16, 16, 3);
    expect(stripMetadata(png, "image/png")).toEqual({ bytes: png, removed: [], exif: [] });
    expect(stripMetadata(png, "image/png").bytes).toBe(png);
  });

  it("refuses an unknown critical chunk, which no decoder could read", () => {
    const png = pngBytes();
    const chunks = pngChunks(png);
    expect(chunks[1]?.type).toBe("IDAT");
    const odd = png.slice();
    odd.set([0x51, 0x51, 0x51, 0x51], 8 + 25 + 4); // rename IDAT to QQQQ (its CRC is not checked here)
    expect(() => stripMetadata(odd, "image/png")).toThrow(/unknown critical chunk/);
  });
});

describe("stripMetadata on JPEG", () => {
  it.each(["photo-gps.jpg", "progressive-gps.jpg", "cmyk-adobe.jpg"])(
    "removes EXIF, XMP, IPTC, comments, the JFIF thumbnail and trailing data from %s",
    (name) => {
      const { original, bytes, removed } = strip(name);
      expect(plantedIn(original)).toContain("SecretCam");
      expect(plantedIn(bytes)).toEqual([]);
      const { segments, trailing } = jpegSegments(bytes);
      expect(trailing).toBe(0);
      const apps = segments.filter((s) => (s.marker >= 0xe0 && s.marker <= 0xef) || s.marker === 0xfe);
      for (const app of apps) {
        const label = String.fromCharCode(...app.bytes.subarray(4, 16));
        expect(label, `segment FF${app.marker.toString(16)}`).toMatch(/^(JFIF\0|ICC_PROFILE\0|Adobe)/);
        if (app.marker === 0xe0) expect(app.bytes.length).toBe(18); // JFIF without a thumbnail
      }
      expect(removed.some((r) => r.startsWith("JPEG APP1 (Exif)"))).toBe(true);
      expect(removed.some((r) => r.startsWith("JPEG COM"))).toBe(true);
    },
  );

  it("says what it removed from the phone-like photo, in file order", () => {
    expect(strip("photo-gps.jpg").removed).toEqual([
      "JPEG APP0 (JFIF) thumbnail",
      "JPEG APP1 (http://ns.adobe.com/xap/1.0/)",
      "JPEG APP13 (Photoshop 3.0)",
      "JPEG APP1 (Exif)",
      "JPEG COM",
      "JPEG 796 bytes after EOI",
    ]);
  });

  it.each(["photo-gps.jpg", "progressive-gps.jpg", "cmyk-adobe.jpg"])(
    "keeps the tables, frame, scans and entropy-coded data of %s byte for byte, and the decoded pixels",
    (name) => {
      const { original, bytes } = strip(name);
      const before = pixelData(jpegSegments(original).segments);
      const after = pixelData(jpegSegments(bytes).segments);
      expect(after.map((s) => [s.marker, [...s.bytes], [...(s.scan ?? [])]])).toEqual(
        before.map((s) => [s.marker, [...s.bytes], [...(s.scan ?? [])]]),
      );
      const [a, b] = [decodeJpeg(original), decodeJpeg(bytes)];
      expect([b.width, b.height]).toEqual([a.width, a.height]);
      expect(b.data).toEqual(a.data);
    },
  );

  it("keeps the Adobe segment because decoding the CMYK samples depends on it", () => {
    const { bytes } = strip("cmyk-adobe.jpg");
    const { segments } = jpegSegments(bytes);
    const adobe = segments.find((s) => s.marker === 0xee)!;
    const at = bytes.indexOf(0xee, 2) - 1;
    const withoutAdobe = new Uint8Array([
      ...bytes.subarray(0, at),
      ...bytes.subarray(at + adobe.bytes.length),
    ]);
    expect(decodeJpeg(bytes).data.length).toBe(24 * 24 * 4);
    expect(() => decodeJpeg(withoutAdobe)).toThrow(/color mode/);
  });

  it("refuses an image whose EXIF says to rotate it, since the rotation leaves with the EXIF", () => {
    const rotated = fixture("rotated.jpg");
    const error = (() => {
      try {
        stripMetadata(rotated, "image/jpeg");
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ImageRejectedError);
    expect(error).toMatchObject({ status: 422, code: "image_orientation" });
  });

  it("returns a clean JPEG as the same bytes", () => {
    const clean = jpegBytes(32, 32, 5);
    expect(stripMetadata(clean, "image/jpeg").bytes).toBe(clean);
  });
});

describe("stripMetadata on WebP", () => {
  it.each(["lossy-alpha.webp", "lossless-gps.webp"])(
    "removes EXIF and XMP from %s and clears their flags",
    (name) => {
      const { original, bytes, removed } = strip(name);
      expect(plantedIn(original)).toContain("SecretCam");
      expect(plantedIn(bytes)).toEqual([]);
      expect(removed).toEqual(["WebP EXIF", "WebP XMP"]);
      const chunks = webpChunks(bytes);
      expect(chunks.map((c) => c.fourcc)).not.toContain("EXIF");
      expect(chunks.map((c) => c.fourcc)).not.toContain("XMP ");
      const flags = chunks[0]!.data[0]!;
      expect(chunks[0]!.fourcc).toBe("VP8X");
      expect(flags & 0x0c).toBe(0);
      expect(flags & 0x20).toBe(0x20); // the ICC profile stays, and so does its flag
      const riff = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
      expect(riff + 8).toBe(bytes.length);
    },
  );

  it.each(["lossy-alpha.webp", "lossless-gps.webp"])(
    "keeps the image and alpha chunks of %s byte for byte",
    (name) => {
      const { original, bytes } = strip(name);
      const image = (webp: Uint8Array) =>
        webpChunks(webp)
          .filter((c) => ["VP8 ", "VP8L", "ALPH", "ICCP"].includes(c.fourcc))
          .map((c) => [c.fourcc, [...c.data]]);
      expect(image(bytes)).toEqual(image(original));
      expect(image(bytes).length).toBeGreaterThan(1);
    },
  );

  it("returns a clean WebP as the same bytes", () => {
    const clean = webpBytes(16, 16, 2);
    expect(stripMetadata(clean, "image/webp").bytes).toBe(clean);
  });
});
