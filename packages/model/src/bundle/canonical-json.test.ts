import { describe, expect, test } from "vitest";
import { canonicalJson, canonicalJsonBytes, type JsonValue } from "./canonical-json";

describe("canonicalJson", () => {
  test.each<[string, JsonValue, string]>([
    ["sorts keys by UTF-16 code units", { b: 1, a: 2, B: 3, é: 4 }, '{"B":3,"a":2,"b":1,"é":4}'],
    ["keeps array order", [3, 1, 2], "[3,1,2]"],
    ["writes shortest round-trip numbers", [0.1, 1e21, 1e-7, -0, 10], "[0.1,1e+21,1e-7,0,10]"],
    ["leaves non-ASCII literal and escapes controls", 'ü\n"\\', '"ü\\n\\"\\\\"'],
    ["nests without whitespace", { z: { y: [null, true] } }, '{"z":{"y":[null,true]}}'],
  ])("%s", (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  test("encodes as UTF-8", () => {
    expect(Array.from(canonicalJsonBytes("é"))).toEqual([0x22, 0xc3, 0xa9, 0x22]);
  });

  test("refuses numbers JSON cannot hold", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/NaN/);
    expect(() => canonicalJson([Infinity])).toThrow(/Infinity/);
  });
});
