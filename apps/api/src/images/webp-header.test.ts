import { describe, expect, it } from "vitest";
import { webpBytes } from "../../test/helpers/image-bytes";
import { readWebpHeader } from "./webp-header";

function riff(chunk: string, data: number[]): Uint8Array {
  const ascii = (text: string) => [...text].map((ch) => ch.charCodeAt(0));
  const le32 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
  const padded = data.length % 2 ? [...data, 0] : data;
  const payload = [...ascii("WEBP"), ...ascii(chunk), ...le32(data.length), ...padded];
  return new Uint8Array([...ascii("RIFF"), ...le32(payload.length), ...payload]);
}

describe("readWebpHeader", () => {
  it("reads VP8L (lossless) dimensions", () => {
    expect(readWebpHeader(webpBytes(4096, 17))).toEqual({ width: 4096, height: 17 });
  });

  it("reads VP8 (lossy) dimensions after the start code", () => {
    const vp8 = [0, 0, 0, 0x9d, 0x01, 0x2a, 320 & 255, 320 >> 8, 240 & 255, 240 >> 8];
    expect(readWebpHeader(riff("VP8 ", vp8))).toEqual({ width: 320, height: 240 });
  });

  it("reads VP8X (extended) canvas dimensions", () => {
    const vp8x = [0, 0, 0, 0, 639 & 255, 639 >> 8, 0, 479 & 255, 479 >> 8, 0];
    expect(readWebpHeader(riff("VP8X", vp8x))).toEqual({ width: 640, height: 480 });
  });

  it("refuses a RIFF length that disagrees with the file and an unknown first chunk", () => {
    const bytes = webpBytes();
    expect(() => readWebpHeader(new Uint8Array([...bytes, 0, 0]))).toThrow(/after RIFF/);
    expect(() => readWebpHeader(riff("ALPH", [1, 2, 3, 4, 5, 6]))).toThrow(/not VP8/);
    expect(() => readWebpHeader(riff("VP8 ", [0, 0, 0, 1, 2, 3, 0, 0, 0, 0]))).toThrow(/start code/);
  });
});
