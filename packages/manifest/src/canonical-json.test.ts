import { describe, expect, it } from "vitest";
import { CanonicalJsonError, canonicalJson, canonicalJsonBytes, type JsonValue } from "./canonical-json";

describe("canonicalJson", () => {
  it.each<[string, JsonValue, string]>([
    [
      "sorts keys at every depth",
      { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } },
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    ],
    [
      "sorts keys by UTF-16 code units",
      { é: 1, z: 2, Z: 3, "\ud83d\ude00": 4, "\ufb01": 5 },
      '{"Z":3,"z":2,"é":1,"\ud83d\ude00":4,"\ufb01":5}',
    ],
    ["keeps array order", [3, 1, 2], "[3,1,2]"],
    [
      "writes shortest round-trip numbers",
      [0.1, 1e21, 1e-7, -0, 10, 123456789012],
      "[0.1,1e+21,1e-7,0,10,123456789012]",
    ],
    [
      "escapes only quotes, backslashes and controls",
      'line\nbreak "q" \\ \u0001 é',
      '"line\\nbreak \\"q\\" \\\\ \\u0001 é"',
    ],
    ["writes literals", [true, false, null], "[true,false,null]"],
    ["writes empty containers", { a: [], b: {} }, '{"a":[],"b":{}}'],
  ])("%s", (_rule, value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it("gives the same UTF-8 bytes whatever order the keys were inserted in", () => {
    const a = canonicalJsonBytes({ x: 1, y: [1, 2], z: "é" });
    const b = canonicalJsonBytes({ z: "é", y: [1, 2], x: 1 });
    expect(a).toEqual(b);
    expect(Array.from(canonicalJsonBytes("é"))).toEqual([0x22, 0xc3, 0xa9, 0x22]);
  });

  it.each<[string, unknown]>([
    ["NaN", Number.NaN],
    ["Infinity inside an object", { a: Infinity }],
    ["a Date", new Date(0)],
    ["undefined", undefined],
    ["a function inside an array", [() => 1]],
  ])("refuses %s with a CanonicalJsonError", (_what, value) => {
    expect(() => canonicalJson(value as JsonValue)).toThrow(CanonicalJsonError);
  });
});
