import { describe, expect, it } from "vitest";
import { jpegBytes, pngBytes, pngClaiming, webpBytes } from "../../test/helpers/image-bytes";
import { ImageRejectedError } from "./image-error";
import { inspectImage, sniffImageType } from "./inspect-image";

function rejection(bytes: Uint8Array, declared: string | null = null): { status: number; code: string } {
  try {
    inspectImage(bytes, declared);
  } catch (err) {
    if (err instanceof ImageRejectedError) return { status: err.status, code: err.code };
    throw err;
  }
  throw new Error("expected a rejection");
}

describe("inspectImage", () => {
  it("reads type and dimensions of PNG, JPEG and WebP from their headers", () => {
    expect(inspectImage(pngBytes(17, 33), "image/png")).toMatchObject({
      type: "image/png",
      width: 17,
      height: 33,
    });
    expect(inspectImage(jpegBytes(640, 480), "image/jpeg")).toMatchObject({
      type: "image/jpeg",
      width: 640,
      height: 480,
    });
    expect(inspectImage(webpBytes(100, 50), "image/webp")).toMatchObject({
      type: "image/webp",
      width: 100,
      height: 50,
    });
  });

  it("accepts a declared type with parameters and in any case", () => {
    expect(inspectImage(pngBytes(), "IMAGE/PNG; charset=binary").type).toBe("image/png");
  });

  it("rejects a PNG whose header claims 50000x50000 without touching its pixels", () => {
    expect(rejection(pngClaiming(50000, 50000))).toEqual({ status: 422, code: "image_dimensions" });
  });

  it("rejects images under 16 pixels on a side", () => {
    expect(rejection(pngBytes(15, 64))).toEqual({ status: 422, code: "image_dimensions" });
  });

  it("rejects truncated files of every type", () => {
    const png = pngBytes();
    for (const cut of [10, 30, png.length - 13, png.length - 1]) {
      expect(rejection(png.subarray(0, cut)), `png cut at ${cut}`).toEqual({
        status: 422,
        code: "invalid_image",
      });
    }
    const jpeg = jpegBytes();
    expect(rejection(jpeg.subarray(0, jpeg.length - 2))).toEqual({ status: 422, code: "invalid_image" });
    const webp = webpBytes();
    expect(rejection(webp.subarray(0, webp.length - 2))).toEqual({ status: 422, code: "invalid_image" });
  });

  it("rejects a PNG whose IHDR CRC is wrong and one with bytes after IEND", () => {
    const corrupt = pngBytes();
    corrupt[17] = (corrupt[17] ?? 0) ^ 1;
    expect(rejection(corrupt)).toEqual({ status: 422, code: "invalid_image" });
    expect(rejection(new Uint8Array([...pngBytes(), 0]))).toEqual({ status: 422, code: "invalid_image" });
  });

  it("rejects unknown magic bytes with 415 and a mismatched declaration with 415", () => {
    expect(rejection(new TextEncoder().encode("GIF89a...................."))).toEqual({
      status: 415,
      code: "unsupported_image_type",
    });
    expect(rejection(pngBytes(), "image/jpeg")).toEqual({ status: 415, code: "image_type_mismatch" });
    expect(rejection(pngBytes(), "")).toEqual({ status: 415, code: "image_type_mismatch" });
  });

  it("rejects empty and oversize inputs", () => {
    expect(rejection(new Uint8Array())).toEqual({ status: 422, code: "invalid_image" });
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set(pngBytes());
    expect(rejection(big)).toEqual({ status: 413, code: "image_too_large" });
  });
});

describe("sniffImageType", () => {
  it("knows the three accepted signatures and nothing else", () => {
    expect(sniffImageType(pngBytes())).toBe("image/png");
    expect(sniffImageType(jpegBytes())).toBe("image/jpeg");
    expect(sniffImageType(webpBytes())).toBe("image/webp");
    expect(sniffImageType(new TextEncoder().encode("RIFF....WAVE"))).toBeNull();
    expect(sniffImageType(new Uint8Array([0x89, 0x50]))).toBeNull();
  });
});
