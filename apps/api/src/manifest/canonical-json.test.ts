import { describe, expect, it } from "vitest";
import { CanonicalJsonError, canonicalJson, canonicalJsonBytes, type JsonValue } from "./canonical-json";

describe("canonicalJson", () => {
  it("sorts keys at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("orders keys by UTF-16 code units, as RFC 8785 does", () => {
    expect(canonicalJson({ "\u00e9": 1, z: 2, Z: 3, "\ud83d\ude00": 4, "\ufb01": 5 })).toBe(
      '{"Z":3,"z":2,"\u00e9":1,"\ud83d\ude00":4,"\ufb01":5}',
    );
  });

  it.each<[JsonValue, string]>([
    [0.1, "0.1"],
    [-0, "0"],
    [1e21, "1e+21"],
    [1e-7, "1e-7"],
    [123456789012, "123456789012"],
    ['line\nbreak "quoted" \u0001 é', '"line\\nbreak \\"quoted\\" \\u0001 é"'],
    [true, "true"],
  ])("writes %o as %s", (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it("gives the same bytes whatever order the keys were inserted in", () => {
    const a = canonicalJsonBytes({ x: 1, y: [1, 2], z: "é" });
    const b = canonicalJsonBytes({ z: "é", y: [1, 2], x: 1 });
    expect(a).toEqual(b);
    expect(new TextDecoder().decode(a)).toBe('{"x":1,"y":[1,2],"z":"é"}');
  });

  it("refuses values JSON cannot carry", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ a: Infinity })).toThrow(/Infinity/);
    expect(() => canonicalJson(new Date(0) as unknown as JsonValue)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(undefined as unknown as JsonValue)).toThrow(CanonicalJsonError);
  });
});
