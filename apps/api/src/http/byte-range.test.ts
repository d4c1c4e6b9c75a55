import { describe, expect, it } from "vitest";
import { parseByteRange } from "./byte-range";

describe("parseByteRange", () => {
  it.each([
    ["bytes=0-0", { kind: "range", offset: 0, length: 1 }],
    ["bytes=0-99", { kind: "range", offset: 0, length: 100 }],
    ["bytes=10-", { kind: "range", offset: 10, length: 90 }],
    ["bytes=-10", { kind: "range", offset: 90, length: 10 }],
    ["bytes=-500", { kind: "range", offset: 0, length: 100 }],
    ["bytes=50-5000", { kind: "range", offset: 50, length: 50 }],
    ["BYTES = 1 - 2", { kind: "range", offset: 1, length: 2 }],
  ])("resolves %s against 100 bytes", (header, expected) => {
    expect(parseByteRange(header, 100)).toEqual(expected);
  });

  it.each([
    "bytes=100-",
    "bytes=5-4",
    "bytes=-0",
    "bytes=0-1,2-3",
    "bytes=-",
    "bytes=a-",
    "pages=0-1",
    "bytes=0x1-2",
    "",
    "bytes=1234567890123456-",
  ])("calls %j unsatisfiable for 100 bytes", (header) => {
    expect(parseByteRange(header, 100)).toEqual({ kind: "unsatisfiable" });
  });

  it("is none without a header", () => {
    expect(parseByteRange(undefined, 100)).toEqual({ kind: "none" });
    expect(parseByteRange(null, 100)).toEqual({ kind: "none" });
  });
});
