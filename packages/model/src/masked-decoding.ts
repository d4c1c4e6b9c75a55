// The arithmetic of masked-token decoding (MaskGIT, Chang et al. 2022, https://arxiv.org/abs/2202.04200),
// mirroring training/models/maskgit.py: the cosine schedule of how many positions stay masked after each step,
// sampling a code with its log-probability, the annealed Gumbel noise on confidences, and re-masking the least
// confident positions. No ONNX here: masked.ts runs the graph and calls these.
import type { Rng } from "./rng";

/** Python's `clamp_min(1e-20).log()` floor on probabilities. */
const LOG_FLOOR = Math.log(1e-20);

/**
 * How many of `n` positions stay masked after decoding step `step` (0-based) of `steps`:
 * `floor(n · cos(π/2 · (step + 1) / steps))`, and 0 after the last step (maskgit.py `masked_after_step`; the
 * operations are in Python's order so that the floor falls the same way).
 */
export function maskedAfterStep(n: number, step: number, steps: number): number {
  if (step + 1 >= steps) return 0;
  return Math.floor(n * Math.cos(0.5 * Math.PI * ((step + 1) / steps)));
}

/** A sampled code and its log-probability under the distribution it was drawn from. */
export interface SampledCode {
  readonly code: number;
  readonly logProb: number;
}

/**
 * Samples an index of `logits` after dividing by `temperature` and keeping the `topK` largest (0: all; ties at the
 * k-th value are kept, as `masked_fill(lg < kth)` keeps them), by one draw of `rng` walked in index order.
 * Temperature 0 is greedy (log-probability 0: the limit of a vanishing temperature) and draws nothing.
 */
export function sampleCode(logits: Float32Array, temperature: number, topK: number, rng: Rng): SampledCode {
  const n = logits.length;
  if (temperature <= 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
    return { code: best, logProb: 0 };
  }
  let threshold = -Infinity;
  if (topK > 0 && topK < n) threshold = (Float32Array.from(logits).sort()[n - topK] as number) / temperature;
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, (logits[i] as number) / temperature);
  const weights = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const scaled = (logits[i] as number) / temperature;
    const w = scaled < threshold ? 0 : Math.exp(scaled - max);
    weights[i] = w;
    total += w;
  }
  let target = rng.nextFloat() * total;
  let code = n - 1;
  for (let i = 0; i < n; i++) {
    target -= weights[i] as number;
    if (target < 0 && (weights[i] as number) > 0) {
      code = i;
      break;
    }
  }
  while ((weights[code] as number) === 0 && code > 0) code--; // rounding ran past the end: the last kept index
  return { code, logProb: Math.max(LOG_FLOOR, Math.log((weights[code] as number) / total)) };
}

/** A standard Gumbel draw, −log(−log u), with maskgit.py's clamps. */
export function gumbel(rng: Rng): number {
  const u = Math.max(rng.nextFloat(), 1e-20);
  return -Math.log(Math.max(-Math.log(u), 1e-20));
}

/** The choice temperature's weight at step `step` of `steps`: annealed linearly to 0 at the last step. */
export function noiseScale(choiceTemperature: number, step: number, steps: number): number {
  return choiceTemperature * (1 - (step + 1) / steps);
}

/**
 * The `keep` positions of `masked` with the lowest `confidence` (ties: the earlier position), i.e. those masked
 * again for the next step. Positions not in `masked` were decided earlier and count as +∞.
 */
export function leastConfident(masked: readonly number[], confidence: Float64Array, keep: number): number[] {
  if (keep <= 0) return [];
  const order = [...masked].sort((a, b) => (confidence[a] as number) - (confidence[b] as number) || a - b);
  return order.slice(0, keep);
}
