// Runs the GPT step graph over a static-size KV cache (docs/bundle-format.md §6): one token per row per call at
// a shared position; the cache outputs go straight back in as the next inputs. On WebGPU those outputs stay GPU
// buffers (IO binding), so per token only the token ids go up and the logits come down.
//
// The cache is one key and one value tensor per layer, keys stored transposed (`k_cache_i` [B,NH,HD,T],
// `v_cache_i` [B,NH,T,HD]; bundle format 2), so the graph writes a slot with one Where and never copies or
// transposes a whole cache.
import { disposeTensor, floatTensor, int64Tensor, readFloats, type Tensor } from "./backend";
import type { ModelCard } from "./bundle/card";

/** The part of a session the stream needs (an onnxruntime-node session fits too, for benchmarks). */
export interface StepSession {
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}

/** One cache tensor of the step graph: its input and output names and its shape for a batch (batch first). */
export interface CacheSlot {
  readonly input: string;
  readonly output: string;
  dims(batch: number): number[];
}

/** The cache tensors the card's step graph takes, in feed order: k_cache_0, v_cache_0, k_cache_1, … */
export function cacheSlots(card: ModelCard): CacheSlot[] {
  const { nLayer, nHead, blockSize: T, headDim: HD } = card.gpt;
  const slots: CacheSlot[] = [];
  for (let i = 0; i < nLayer; i++) {
    slots.push(
      { input: `k_cache_${i}`, output: `k_cache_${i}_out`, dims: (b) => [b, nHead, HD, T] },
      { input: `v_cache_${i}`, output: `v_cache_${i}_out`, dims: (b) => [b, nHead, T, HD] },
    );
  }
  return slots;
}

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** A batch of token streams sharing one KV cache. */
export class KvStream {
  /** Position the next token is fed at. */
  position = 0;
  /** Step-graph calls made so far. */
  steps = 0;
  private readonly slots: CacheSlot[];
  private caches: Tensor[];

  constructor(
    private readonly session: StepSession,
    private readonly card: ModelCard,
    public batch: number,
  ) {
    this.slots = cacheSlots(card);
    this.caches = this.slots.map((s) => floatTensor(new Float32Array(product(s.dims(batch))), s.dims(batch)));
  }

  /** Feeds one token per row at the current position; returns the logits `[batch × vocab]`. */
  async step(tokens: ArrayLike<number>): Promise<Float32Array> {
    if (tokens.length !== this.batch)
      throw new RangeError(`${tokens.length} tokens for a batch of ${this.batch}`);
    if (this.position >= this.card.gpt.blockSize) {
      throw new RangeError(
        `position ${this.position} is past the cache (block_size ${this.card.gpt.blockSize})`,
      );
    }
    const feeds: Record<string, Tensor> = {
      tokens: int64Tensor(tokens, [this.batch, 1]),
      pos: int64Tensor([this.position], [1]),
    };
    this.slots.forEach((slot, j) => (feeds[slot.input] = this.caches[j] as Tensor));
    const out = await this.session.run(feeds);
    this.caches.forEach(disposeTensor);
    this.caches = this.slots.map((slot) => out[slot.output] as Tensor);
    this.position++;
    this.steps++;
    return readFloats(out["logits"] as Tensor);
  }

  /**
   * Rebuilds the batch from rows of the current one: new row r is a copy of old row `rows[r]`. Used to run a
   * shared prefix once (e.g. the caption, and the empty caption) and fan it out to every candidate.
   */
  async gather(rows: readonly number[]): Promise<void> {
    if (rows.some((row) => !Number.isInteger(row) || row < 0 || row >= this.batch)) {
      throw new RangeError(`gather rows ${rows.join(",")} must be within the batch of ${this.batch}`);
    }
    const data = await Promise.all(this.caches.map((t) => readFloats(t)));
    const gathered = this.slots.map((slot, j) => {
      const src = data[j] as Float32Array;
      const row = product(slot.dims(1)); // batch is the first axis: a row is one contiguous block
      const out = new Float32Array(rows.length * row);
      rows.forEach((from, r) => out.set(src.subarray(from * row, (from + 1) * row), r * row));
      return floatTensor(out, slot.dims(rows.length));
    });
    this.caches.forEach(disposeTensor);
    this.batch = rows.length;
    this.caches = gathered;
  }

  /** Frees GPU cache buffers. */
  dispose(): void {
    this.caches.forEach(disposeTensor);
  }
}
