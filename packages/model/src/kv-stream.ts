// Runs the GPT step graph over a static-size KV cache (docs/bundle-format.md §6): one token per row per call at
// a shared position; the cache outputs go straight back in as the next inputs. On WebGPU those outputs stay GPU
// buffers (IO binding), so per token only the token ids go up and the logits come down.
//
// The cache is one key and one value tensor per layer, keys stored transposed (`k_cache_i` [B,NH,HD,T],
// `v_cache_i` [B,NH,T,HD]; bundle format 2), so the graph writes a slot with one Where and never copies or
// transposes a whole cache. A format-3 step graph also takes `cond` [B, E], the prompt's CLIP text embedding,
// which it reads at position 0 only: the stream feeds it there and zeros everywhere else.
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
  private zeroCond: Float32Array | undefined;

  constructor(
    private readonly session: StepSession,
    private readonly card: ModelCard,
    public batch: number,
  ) {
    this.slots = cacheSlots(card);
    this.caches = this.slots.map((s) => floatTensor(new Float32Array(product(s.dims(batch))), s.dims(batch)));
  }

  /**
   * Feeds one token per row at the current position; returns the logits `[batch × vocab]`. `cond`
   * (`[batch × card.gpt.cond.dim]`, format 3 only) is the conditioning at position 0; zeros when omitted, which
   * means "no condition" (the unconditional rows of guidance, captioning).
   */
  async step(tokens: ArrayLike<number>, cond?: Float32Array): Promise<Float32Array> {
    if (tokens.length !== this.batch)
      throw new RangeError(`${tokens.length} tokens for a batch of ${this.batch}`);
    const spec = this.card.gpt.cond;
    if (cond && !spec) throw new RangeError("this bundle's step graph takes no condition (format 2)");
    if (cond && this.position !== 0)
      throw new RangeError(`a condition is read at position 0 only, not at ${this.position}`);
    if (cond && spec && cond.length !== this.batch * spec.dim)
      throw new RangeError(`condition of ${cond.length} values for ${this.batch} rows of ${spec.dim}`);
    if (this.position >= this.card.gpt.blockSize) {
      throw new RangeError(
        `position ${this.position} is past the cache (block_size ${this.card.gpt.blockSize})`,
      );
    }
    const feeds: Record<string, Tensor> = {
      tokens: int64Tensor(tokens, [this.batch, 1]),
      pos: int64Tensor([this.position], [1]),
    };
    if (spec) feeds[spec.input] = floatTensor(cond ?? this.zeros(spec.dim), [this.batch, spec.dim]);
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

  private zeros(dim: number): Float32Array {
    if (this.zeroCond?.length !== this.batch * dim) this.zeroCond = new Float32Array(this.batch * dim);
    return this.zeroCond;
  }

  /** Frees GPU cache buffers. */
  dispose(): void {
    this.caches.forEach(disposeTensor);
  }
}
