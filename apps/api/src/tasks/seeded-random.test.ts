import { describe, expect, it } from "vitest";
import { mulberry32, shuffled } from "./seeded-random";

describe("seeded randomness", () => {
  it("repeats for a seed and differs between seeds", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const draws = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(draws);
    expect(c()).not.toBe(draws[0]);
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it("shuffles into a permutation without touching the input", () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffled(items, mulberry32(1));
    expect([...out].sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(shuffled(items, mulberry32(1))).toEqual(out);
  });
});
