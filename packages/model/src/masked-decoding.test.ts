import { describe, expect, test } from "vitest";
import { gumbel, leastConfident, maskedAfterStep, noiseScale, sampleCode } from "./masked-decoding";
import { createRng } from "./rng";

describe("maskedAfterStep", () => {
  // Computed with training/models/maskgit.py `masked_after_step` (floor(n · cos(π/2 · (s+1)/steps)), 0 at the end).
  test.each([
    [64, 4, [59, 45, 24, 0]],
    [12, 3, [10, 6, 0]],
    [64, 8, [62, 59, 53, 45, 35, 24, 12, 0]],
    [64, 12, [63, 61, 59, 55, 50, 45, 38, 32, 24, 16, 8, 0]],
    [256, 10, [252, 243, 228, 207, 181, 150, 116, 79, 40, 0]],
    [12, 6, [11, 10, 8, 6, 3, 0]],
    [1, 2, [0, 0]],
    [1024, 16, [1019, 1004, 979, 946, 903, 851, 791, 724, 649, 568, 482, 391, 297, 199, 100, 0]],
  ])("matches Python for n = %i over %i steps", (n, steps, expected) => {
    expect(Array.from({ length: steps }, (_, s) => maskedAfterStep(n, s, steps))).toEqual(expected);
  });

  test("one step decides everything at once", () => {
    expect(maskedAfterStep(64, 0, 1)).toBe(0);
  });
});

describe("sampleCode", () => {
  const logits = Float32Array.from([0, 2, 1, 2, -1]);

  test("temperature 0 is the first argmax, with log-probability 0 and no draw", () => {
    const rng = createRng(1);
    expect(sampleCode(logits, 0, 0, rng)).toEqual({ code: 1, logProb: 0 });
    expect(rng.nextUint32()).toBe(createRng(1).nextUint32());
  });

  test("returns the log-probability of the code under the tempered softmax", () => {
    const rng = createRng(4);
    const { code, logProb } = sampleCode(logits, 0.5, 0, rng);
    const scaled = Array.from(logits, (l) => Math.exp(l / 0.5));
    const total = scaled.reduce((a, b) => a + b, 0);
    expect(logProb).toBeCloseTo(Math.log((scaled[code] as number) / total), 10);
  });

  test("top-k keeps only the k largest (ties at the k-th kept) and renormalises over them", () => {
    const seen = new Set<number>();
    const rng = createRng(9);
    for (let i = 0; i < 400; i++) seen.add(sampleCode(logits, 1, 2, rng).code);
    expect([...seen].sort()).toEqual([1, 3]);
    expect(sampleCode(logits, 1, 2, createRng(2)).logProb).toBeCloseTo(Math.log(0.5), 10);
    const tied = new Set<number>();
    for (let i = 0; i < 400; i++) tied.add(sampleCode(logits, 1, 3, rng).code);
    expect([...tied].sort()).toEqual([1, 2, 3]);
  });

  test("draws in proportion to the probabilities, deterministically for a seed", () => {
    const counts = [0, 0, 0, 0, 0];
    const rng = createRng(3);
    for (let i = 0; i < 4000; i++) counts[sampleCode(logits, 1, 0, rng).code]!++;
    const p1 = Math.exp(2) / (1 + 2 * Math.exp(2) + Math.exp(1) + Math.exp(-1));
    expect(counts[1]! / 4000).toBeCloseTo(p1, 1);
    const again = createRng(3);
    const first = Array.from({ length: 20 }, () => sampleCode(logits, 1, 0, again).code);
    const replay = createRng(3);
    expect(Array.from({ length: 20 }, () => sampleCode(logits, 1, 0, replay).code)).toEqual(first);
  });
});

describe("confidence and re-masking", () => {
  test("Gumbel draws are finite and centred on the Euler–Mascheroni constant", () => {
    const rng = createRng(5);
    const draws = Array.from({ length: 5000 }, () => gumbel(rng));
    expect(draws.every(Number.isFinite)).toBe(true);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(0.5772, 1);
  });

  test("the noise is annealed to zero at the last step", () => {
    expect([0, 1, 2, 3].map((s) => noiseScale(4.5, s, 4))).toEqual([3.375, 2.25, 1.125, 0]);
  });

  test("masks again the least confident of this step's positions, earlier position first on ties", () => {
    const confidence = Float64Array.from([Infinity, -1, -3, -1, -0.5, Infinity]);
    expect(leastConfident([1, 2, 3, 4], confidence, 2)).toEqual([2, 1]);
    expect(leastConfident([1, 2, 3, 4], confidence, 3)).toEqual([2, 1, 3]);
    expect(leastConfident([1, 2, 3, 4], confidence, 0)).toEqual([]);
  });
});
