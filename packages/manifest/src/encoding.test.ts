import { describe, expect, it } from "vitest";
import { fromBase64, sha256Hex, toBase64, toHex } from "./encoding";

describe("encodings", () => {
  it("writes lower-case hex of bytes and of an ArrayBuffer", () => {
    expect(toHex(new Uint8Array([0, 15, 16, 255]))).toBe("000f10ff");
    expect(toHex(new Uint8Array([171]).buffer)).toBe("ab");
  });

  it.each<[number[], string]>([
    [[], ""],
    [[0xff], "/w=="],
    [[0xfb, 0xef], "++8="],
    [[1, 2, 3], "AQID"],
  ])("round-trips %o through standard padded base64 %o", (bytes, text) => {
    expect(toBase64(new Uint8Array(bytes))).toBe(text);
    expect(fromBase64(text)).toEqual(new Uint8Array(bytes));
  });

  it("encodes inputs too large for one String.fromCharCode call", () => {
    const big = new Uint8Array(70_000).map((_, i) => i % 251);
    expect(fromBase64(toBase64(big))).toEqual(big);
  });

  it.each(["/w", "-_8=", "AQID ", "A===", "not base64 !"])("refuses %o as base64", (text) => {
    expect(fromBase64(text)).toBeUndefined();
  });

  it("hashes bytes and strings (as UTF-8) with SHA-256", async () => {
    const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    expect(await sha256Hex(new Uint8Array())).toBe(empty);
    expect(await sha256Hex("é")).toBe(await sha256Hex(new Uint8Array([0xc3, 0xa9])));
  });
});
