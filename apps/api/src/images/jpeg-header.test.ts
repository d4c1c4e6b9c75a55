import { describe, expect, it } from "vitest";
import { jpegBytes } from "../../test/helpers/image-bytes";
import { ImageRejectedError } from "./image-error";
import { readJpegHeader } from "./jpeg-header";

describe("readJpegHeader", () => {
  it("skips APPn segments and fill bytes to find the frame header", () => {
    const base = jpegBytes(300, 200);
    // SOI, fill bytes, an APP1 segment, then the rest.
    const withExtras = new Uint8Array([0xff, 0xd8, 0xff, 0xff, 0xe1, 0, 4, 1, 2, ...base.subarray(2)]);
    expect(readJpegHeader(withExtras)).toEqual({ width: 300, height: 200 });
  });

  it("refuses a JPEG whose scan starts before any frame header", () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2, 0x11, 0xff, 0xd9]);
    expect(() => readJpegHeader(bytes)).toThrow(ImageRejectedError);
  });

  it("refuses a segment length that runs past the end", () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x40, 0x00, 0xff, 0xd9]);
    expect(() => readJpegHeader(bytes)).toThrow(/truncated/);
  });
});
