import { describe, expect, test } from "vitest";
import { createRng } from "./rng";
import { argmax, guideLogits, logProbability, sampleLogits } from "./sampling";

const logits = Float32Array.from([1, 3, 2, 0]);

describe("sampling", () => {
  test("guidance mixes logits as uncond + g × (cond − uncond)", () => {
    const mixed = guideLogits(Float32Array.from([2, 0]), Float32Array.from([1, 1]), 3);
    expect(Array.from(mixed)).toEqual([4, -2]);
    expect(Array.from(guideLogits(Float32Array.from([2, 0]), Float32Array.from([1, 1]), 1))).toEqual([2, 0]);
  });

  test("temperature 0, top-k 1 and a tiny top-p are all greedy", () => {
    const rng = createRng(1);
    expect(argmax(logits)).toBe(1);
    expect(sampleLogits(logits, { temperature: 0 }, rng)).toBe(1);
    for (let i = 0; i < 20; i++) expect(sampleLogits(logits, { topK: 1 }, rng)).toBe(1);
    for (let i = 0; i < 20; i++) expect(sampleLogits(logits, { topP: 0.01 }, rng)).toBe(1);
  });

  test("top-k keeps only the k most likely tokens", () => {
    const rng = createRng(2);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(sampleLogits(logits, { topK: 2 }, rng));
    expect([...seen].sort()).toEqual([1, 2]);
  });

  test("top-p keeps the smallest set reaching p", () => {
    // softmax([1,3,2,0]) ≈ [0.087, 0.644, 0.237, 0.032]: p = 0.8 keeps ids 1 and 2.
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(sampleLogits(logits, { topP: 0.8 }, rng));
    expect([...seen].sort()).toEqual([1, 2]);
  });

  test("draws tokens in proportion to their probability", () => {
    const rng = createRng(4);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[sampleLogits(logits, {}, rng)]!++;
    const total = Math.exp(1) + Math.exp(3) + Math.exp(2) + 1;
    [1, 3, 2, 0].forEach((l, i) =>
      expect((counts[i] as number) / 20_000).toBeCloseTo(Math.exp(l) / total, 1),
    );
  });

  test("the same seed samples the same sequence", () => {
    const run = (): number[] => {
      const rng = createRng(9);
      return Array.from({ length: 50 }, () => sampleLogits(logits, { temperature: 1.3, topK: 3 }, rng));
    };
    expect(run()).toEqual(run());
  });

  test("log-probability is the log-softmax", () => {
    const total = Math.exp(1) + Math.exp(3) + Math.exp(2) + 1;
    expect(logProbability(logits, 1)).toBeCloseTo(3 - Math.log(total), 6);
  });
});
