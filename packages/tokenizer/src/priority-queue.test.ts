// The binary heap pops in priority order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PriorityQueue } from "./priority-queue";

describe("PriorityQueue", () => {
  it("pops numbers in ascending order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (numbers) => {
        const queue = new PriorityQueue<number>((a, b) => a < b);
        numbers.forEach((n) => queue.push(n));
        const popped: number[] = [];
        for (let n = queue.pop(); n !== undefined; n = queue.pop()) popped.push(n);
        expect(popped).toEqual([...numbers].sort((a, b) => a - b));
        expect(queue.size).toBe(0);
      }),
    );
  });
});
