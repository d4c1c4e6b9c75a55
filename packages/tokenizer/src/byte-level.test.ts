// The GPT-2 byte ↔ character table and our UTF-8 encoder.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostileText } from "../fixtures/unicode-arbitrary";
import { BYTE_TO_CHAR, byteLevelToBytes, bytesToByteLevel, encodeUtf8 } from "./byte-level";

describe("byte-level table", () => {
  it.each([
    [0x20, "Ġ"],
    [0x0a, "Ċ"],
    [0x00, "Ā"],
    [0x41, "A"],
    [0x7f, "ġ"],
    [0xad, "Ń"],
    [0xe9, "é"],
  ])("spells byte %i as %s, as GPT-2 does", (byte, char) => {
    expect(BYTE_TO_CHAR[byte]).toBe(char);
  });

  it("gives 256 distinct one-character spellings", () => {
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
    expect(BYTE_TO_CHAR.every((char) => char.length === 1)).toBe(true);
  });

  it("spells bytes and reads them back", () => {
    const all = Uint8Array.from({ length: 256 }, (_, byte) => byte);
    expect(byteLevelToBytes(bytesToByteLevel(all))).toEqual(all);
    expect(bytesToByteLevel(encodeUtf8(" é"))).toBe("ĠÃ©");
  });

  it("refuses strings with characters outside the table", () => {
    expect(byteLevelToBytes("a€")).toBeNull();
    expect(byteLevelToBytes("a b")).toBeNull();
  });
});

describe("encodeUtf8", () => {
  it("matches TextEncoder, unpaired surrogates included", () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(hostileText(60), (text) => {
        expect(encodeUtf8(text)).toEqual(encoder.encode(text));
      }),
      { numRuns: 2000 },
    );
  });
});
