// A small seeded PRNG so that the same seed gives the same images in every browser and in Node:
// xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018,
// https://prng.di.unimi.it/xoshiro128starstar.c), seeded through SplitMix32. Only 32-bit integer maths
// (Math.imul, >>> 0), so every JavaScript engine gives the same stream.

/** A deterministic random stream. */
export interface Rng {
  /** The next unsigned 32-bit integer. */
  nextUint32(): number;
  /** The next float in [0, 1), with 32 bits of resolution. */
  nextFloat(): number;
}

/**
 * A seeded xoshiro128** stream. `seed` is any safe integer (its low and high 32 bits both count);
 * `stream` selects an independent stream for the same seed (e.g. the candidate index), so candidate i of a
 * generation does not depend on how many candidates run beside it.
 */
export function createRng(seed: number, stream = 0): Rng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed ${seed} must be a safe integer`);
  const low = seed >>> 0;
  const high = Math.floor(seed / 2 ** 32) >>> 0;
  let mix = (low ^ Math.imul(high, 0x9e3779b9) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  const splitMix = (): number => {
    mix = (mix + 0x9e3779b9) >>> 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  return xoshiro128StarStar(splitMix(), splitMix(), splitMix(), splitMix());
}

/** xoshiro128** from an explicit 128-bit state (four uint32 words, not all zero). */
export function xoshiro128StarStar(a: number, b: number, c: number, d: number): Rng {
  let [s0, s1, s2, s3] = [a >>> 0, b >>> 0, c >>> 0, d >>> 0];
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 = (s2 ^ s0) >>> 0;
    s3 = (s3 ^ s1) >>> 0;
    s1 = (s1 ^ s2) >>> 0;
    s0 = (s0 ^ s3) >>> 0;
    s2 = (s2 ^ t) >>> 0;
    s3 = rotl(s3, 11);
    return result;
  };
  return { nextUint32, nextFloat: () => nextUint32() / 2 ** 32 };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
