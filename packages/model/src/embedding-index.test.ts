import { describe, expect, test } from "vitest";
import { createEmbeddingIndex } from "./embedding-index";
import { ModelOptionError } from "./errors";

describe("createEmbeddingIndex", () => {
  test("finds the nearest vectors by cosine, best first", () => {
    const index = createEmbeddingIndex<string>(2);
    index.add("east", [1, 0]);
    index.add("north", [0, 5]);
    index.add("north-east", [1, 1]);
    const hits = index.search([1, 0.1], 2);
    expect(hits.map((h) => h.key)).toEqual(["east", "north-east"]);
    expect(hits[0]!.score).toBeCloseTo(1 / Math.sqrt(1.01), 5);
  });

  test("replaces a key's vector and removes keys", () => {
    const index = createEmbeddingIndex<number>(2);
    index.add(1, [1, 0]);
    index.add(2, [0, 1]);
    index.add(1, [0, -1]);
    expect(index.size).toBe(2);
    expect(index.search([0, -1], 1)[0]?.key).toBe(1);
    expect(index.remove(1)).toBe(true);
    expect(index.remove(1)).toBe(false);
    expect(index.search([0, -1], 5).map((h) => h.key)).toEqual([2]);
  });

  test("grows past its first allocation", () => {
    const index = createEmbeddingIndex<number>(3);
    for (let i = 0; i < 100; i++) index.add(i, [Math.cos(i), Math.sin(i), 0.1]);
    expect(index.size).toBe(100);
    expect(index.search([Math.cos(42), Math.sin(42), 0.1], 1)[0]?.key).toBe(42);
  });

  test("refuses vectors of the wrong size, naming both sizes", () => {
    const index = createEmbeddingIndex<string>(4);
    expect(() => index.add("x", [1, 2])).toThrow(ModelOptionError);
    expect(() => index.search([1])).toThrow(/1 numbers.*4 \(the index dim\)/);
  });
});
