// Runs the GPT step graph over a static-size KV cache (docs/bundle-format.md §6): one token per row per call at
// a shared position; the cache outputs go straight back in as the next inputs. On WebGPU those outputs stay GPU
// buffers (IO binding), so per token only the token ids go up and the logits come down.
import { disposeTensor, floatTensor, int64Tensor, readFloats, type Tensor } from "./backend";
import type { ModelCard } from "./bundle/card";

/** The part of a session the stream needs (an onnxruntime-node session fits too, for benchmarks). */
export interface StepSession {
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}

/** A batch of token streams sharing one KV cache. */
export class KvStream {
  /** Position the next token is fed at. */
  position = 0;
  /** Step-graph calls made so far. */
  steps = 0;
  private k: Tensor;
  private v: Tensor;

  constructor(
    private readonly session: StepSession,
    private readonly card: ModelCard,
    public batch: number,
  ) {
    this.k = floatTensor(new Float32Array(this.cacheSize(batch)), this.cacheDims(batch));
    this.v = floatTensor(new Float32Array(this.cacheSize(batch)), this.cacheDims(batch));
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
    const out = await this.session.run({
      tokens: int64Tensor(tokens, [this.batch, 1]),
      pos: int64Tensor([this.position], [1]),
      k_cache: this.k,
      v_cache: this.v,
    });
    disposeTensor(this.k);
    disposeTensor(this.v);
    this.k = out["k_cache_out"] as Tensor;
    this.v = out["v_cache_out"] as Tensor;
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
    const [k, v] = await Promise.all([readFloats(this.k), readFloats(this.v)]);
    const { nLayer } = this.card.gpt;
    const block = this.cacheSize(1) / nLayer;
    const from = this.batch;
    const gatherOne = (data: Float32Array): Float32Array => {
      const out = new Float32Array(this.cacheSize(rows.length));
      for (let layer = 0; layer < nLayer; layer++) {
        rows.forEach((row, r) => {
          const at = (layer * from + row) * block;
          out.set(data.subarray(at, at + block), (layer * rows.length + r) * block);
        });
      }
      return out;
    };
    disposeTensor(this.k);
    disposeTensor(this.v);
    this.batch = rows.length;
    this.k = floatTensor(gatherOne(k), this.cacheDims(this.batch));
    this.v = floatTensor(gatherOne(v), this.cacheDims(this.batch));
  }

  /** Frees GPU cache buffers. */
  dispose(): void {
    disposeTensor(this.k);
    disposeTensor(this.v);
  }

  private cacheDims(batch: number): number[] {
    const { nLayer, nHead, blockSize, headDim } = this.card.gpt;
    return [nLayer, batch, nHead, blockSize, headDim];
  }

  private cacheSize(batch: number): number {
    return this.cacheDims(batch).reduce((a, b) => a * b, 1);
  }
}
