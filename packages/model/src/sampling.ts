// Token sampling for the GPT prior: classifier-free guidance in logit space, temperature, top-k and top-p
// (nucleus, Holtzman et al. 2019, https://arxiv.org/abs/1904.09751), drawn from a seeded stream.
import type { Rng } from "./rng";

/** How to pick the next token. */
export interface SamplingOptions {
  /** Divides the logits; 0 means greedy (argmax). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens; 0 keeps all. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all. */
  topP?: number;
}

/**
 * Classifier-free guidance (Ho & Salimans 2022, https://arxiv.org/abs/2207.12598) on logits:
 * `out = uncond + scale * (cond - uncond)`. `scale` 1 returns the conditional logits.
 */
export function guideLogits(
  cond: Float32Array,
  uncond: Float32Array,
  scale: number,
  out = new Float32Array(cond.length),
): Float32Array {
  for (let i = 0; i < cond.length; i++) {
    const u = uncond[i] as number;
    out[i] = u + scale * ((cond[i] as number) - u);
  }
  return out;
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/**
 * Samples an index of `logits` with temperature, top-k and top-p. Deterministic for a given `rng` state:
 * candidates are ordered by logit (ties by index) before the cumulative draw.
 */
export function sampleLogits(logits: Float32Array, options: SamplingOptions, rng: Rng): number {
  const { temperature = 1, topK = 0, topP = 1 } = options;
  if (temperature <= 0) return argmax(logits);
  const n = logits.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b);
  const kept = topK > 0 ? Math.min(topK, n) : n;
  const max = logits[order[0] as number] as number;
  const weights = new Float64Array(kept);
  let total = 0;
  for (let r = 0; r < kept; r++) {
    const w = Math.exp(((logits[order[r] as number] as number) - max) / temperature);
    weights[r] = w;
    total += w;
  }
  let count = kept;
  if (topP < 1) {
    let cumulative = 0;
    for (let r = 0; r < kept; r++) {
      cumulative += (weights[r] as number) / total;
      if (cumulative >= topP) {
        count = r + 1;
        break;
      }
    }
    total = 0;
    for (let r = 0; r < count; r++) total += weights[r] as number;
  }
  let target = rng.nextFloat() * total;
  for (let r = 0; r < count; r++) {
    target -= weights[r] as number;
    if (target < 0) return order[r] as number;
  }
  return order[count - 1] as number;
}

/** log-softmax of `logits` at `index`: the log-probability of that token. */
export function logProbability(logits: Float32Array, index: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] as number);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp((logits[i] as number) - max);
  return (logits[index] as number) - max - Math.log(sum);
}
