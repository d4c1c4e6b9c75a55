// Stage 4 of the pipeline: byte-pair encoding of one pre-token with ranked merges (Sennrich et al. 2016,
// https://arxiv.org/abs/1508.07909, byte-level as in GPT-2). Lowest-rank pair first, leftmost on ties.
import { byteLevelToBytes, encodeUtf8Into } from "./byte-level";
import { TokenizerFormatError } from "./errors";
import { PriorityQueue } from "./priority-queue";

/** A merge rule: the two vocabulary strings (ByteLevel spelling) that merge into their concatenation. */
export type MergeRule = readonly [left: string, right: string];

/** What a BPE model is made of. */
export interface BpeModelSpec {
  /** Token strings by id (ByteLevel spelling). Must contain the 256 single-byte tokens. */
  readonly vocab: readonly string[];
  /** Merge rules, highest priority first: the rank of a rule is its index. */
  readonly merges: readonly MergeRule[];
  /** Ids that are special tokens: they take part in no merge and have no bytes. */
  readonly specialIds?: ReadonlySet<number>;
}

/** Options of {@link BpeModel}. */
export interface BpeModelOptions {
  /** Most pre-tokens kept in the word cache before it is emptied (default 100,000). */
  cacheCapacity?: number;
}

/** Largest vocabulary a model accepts: pair keys `left * vocabSize + right` must stay exact doubles. */
export const MAX_VOCAB_SIZE = 1 << 24;
const NO_MERGE = 0x7fffffff;
// Up to this many bytes a word is merged by scanning an array of pair ranks; longer ones use a heap.
const SHORT_WORD_BYTES = 64;
const MAX_CACHED_WORD_LENGTH = 256;

/** A trained BPE vocabulary with a fast, cached encoder for single pre-tokens. */
export class BpeModel {
  readonly vocabSize: number;
  private readonly byteIds = new Int32Array(256);
  private readonly ranks = new Map<number, number>();
  private readonly mergedIds: Int32Array;
  private readonly bytesById: (Uint8Array | null)[];
  private readonly cache = new Map<string, Int32Array>();
  private readonly cacheCapacity: number;
  private utf8 = new Uint8Array(768);
  private symbols = new Int32Array(768);
  private pairRanks = new Int32Array(768);

  constructor(spec: BpeModelSpec, options: BpeModelOptions = {}) {
    const { vocab, merges, specialIds = new Set<number>() } = spec;
    if (vocab.length > MAX_VOCAB_SIZE) {
      throw new TokenizerFormatError("model.vocab", `${vocab.length} entries`, `at most ${MAX_VOCAB_SIZE}`);
    }
    this.vocabSize = vocab.length;
    this.cacheCapacity = options.cacheCapacity ?? 100_000;
    const idByToken = new Map<string, number>();
    this.bytesById = vocab.map((token, id) => {
      if (specialIds.has(id)) return null;
      const bytes = byteLevelToBytes(token);
      if (bytes === null || bytes.length === 0) {
        const found = JSON.stringify(token);
        throw new TokenizerFormatError(`model.vocab[${found}]`, found, "a non-empty ByteLevel string");
      }
      idByToken.set(token, id);
      return bytes;
    });
    this.byteIds.fill(-1);
    this.bytesById.forEach((bytes, id) => {
      if (bytes?.length === 1) this.byteIds[bytes[0] as number] = id;
    });
    const missing = this.byteIds.indexOf(-1);
    if (missing >= 0) {
      throw new TokenizerFormatError(
        "model.vocab",
        `missing the token for byte ${missing}`,
        "all 256 byte tokens",
      );
    }
    this.mergedIds = new Int32Array(merges.length);
    merges.forEach(([left, right], rank) => {
      const leftId = idByToken.get(left);
      const rightId = idByToken.get(right);
      const mergedId = idByToken.get(left + right);
      if (leftId === undefined || rightId === undefined || mergedId === undefined) {
        const found = JSON.stringify([left, right]);
        throw new TokenizerFormatError(
          `model.merges[${rank}]`,
          found,
          "a pair of vocab tokens whose join is a token",
        );
      }
      const key = leftId * this.vocabSize + rightId;
      if (this.ranks.has(key)) {
        const found = `a repeat of model.merges[${this.ranks.get(key)}] ${JSON.stringify([left, right])}`;
        throw new TokenizerFormatError(`model.merges[${rank}]`, found, "each pair once");
      }
      this.ranks.set(key, rank);
      this.mergedIds[rank] = mergedId;
    });
  }

  /** The bytes token `id` stands for, or `null` for special tokens and unknown ids. */
  bytesOf(id: number): Uint8Array | null {
    return this.bytesById[id] ?? null;
  }

  /** Appends the token ids of one pre-token (any string; unpaired surrogates encode as U+FFFD) to `out`. */
  encodeWord(word: string, out: number[]): void {
    let ids = this.cache.get(word);
    if (ids === undefined) {
      ids = this.mergeWord(word);
      if (word.length <= MAX_CACHED_WORD_LENGTH) {
        if (this.cache.size >= this.cacheCapacity) this.cache.clear();
        this.cache.set(word, ids);
      }
    }
    for (let i = 0; i < ids.length; i++) out.push(ids[i] as number);
  }

  /** Empties the word cache (it refills as words are encoded). */
  clearCache(): void {
    this.cache.clear();
  }

  private mergeWord(word: string): Int32Array {
    if (word.length * 3 > this.utf8.length) {
      const capacity = word.length * 3;
      this.utf8 = new Uint8Array(capacity);
      this.symbols = new Int32Array(capacity);
      this.pairRanks = new Int32Array(capacity);
    }
    const length = encodeUtf8Into(word, this.utf8);
    const symbols = this.symbols;
    for (let i = 0; i < length; i++) symbols[i] = this.byteIds[this.utf8[i] as number] as number;
    const count = length <= SHORT_WORD_BYTES ? this.mergeShort(length) : this.mergeLong(length);
    return symbols.slice(0, count);
  }

  private rankOf(left: number, right: number): number {
    return this.ranks.get(left * this.vocabSize + right) ?? NO_MERGE;
  }

  /** Quadratic but allocation-free: merges `symbols[0..length)` in place and returns the new length. */
  private mergeShort(length: number): number {
    const symbols = this.symbols;
    const ranks = this.pairRanks;
    let count = length;
    for (let i = 0; i + 1 < count; i++)
      ranks[i] = this.rankOf(symbols[i] as number, symbols[i + 1] as number);
    while (count > 1) {
      let best = NO_MERGE;
      let at = -1;
      for (let i = 0; i + 1 < count; i++) {
        if ((ranks[i] as number) < best) {
          best = ranks[i] as number;
          at = i;
        }
      }
      if (at < 0) break;
      symbols[at] = this.mergedIds[best] as number;
      count--;
      for (let j = at + 1; j < count; j++) symbols[j] = symbols[j + 1] as number;
      for (let j = at + 1; j + 1 < count; j++) ranks[j] = ranks[j + 1] as number;
      if (at > 0) ranks[at - 1] = this.rankOf(symbols[at - 1] as number, symbols[at] as number);
      if (at + 1 < count) ranks[at] = this.rankOf(symbols[at] as number, symbols[at + 1] as number);
    }
    return count;
  }

  /** O(n log n) for long pre-tokens: a linked list of symbols and a heap of (rank, position) keys. */
  private mergeLong(length: number): number {
    const symbols = this.symbols;
    const next = new Int32Array(length);
    const previous = new Int32Array(length);
    const removed = new Uint8Array(length);
    // One number per candidate: rank * length + position, so ties on rank go to the leftmost pair.
    const queue = new PriorityQueue<number>((a, b) => a < b);
    const offer = (position: number): void => {
      const rank = this.rankOf(symbols[position] as number, symbols[next[position] as number] as number);
      if (rank !== NO_MERGE) queue.push(rank * length + position);
    };
    for (let i = 0; i < length; i++) {
      next[i] = i + 1 < length ? i + 1 : -1;
      previous[i] = i - 1;
    }
    for (let i = 0; i + 1 < length; i++) offer(i);
    for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
      const rank = Math.floor(key / length);
      const position = key - rank * length;
      const right = next[position] as number;
      if (removed[position] === 1 || right < 0) continue;
      if (this.rankOf(symbols[position] as number, symbols[right] as number) !== rank) continue;
      symbols[position] = this.mergedIds[rank] as number;
      removed[right] = 1;
      next[position] = next[right] as number;
      if (next[right] !== -1) previous[next[right] as number] = position;
      if (previous[position] !== -1) offer(previous[position] as number);
      if (next[position] !== -1) offer(position);
    }
    let count = 0;
    for (let i = 0; i !== -1; i = next[i] as number) symbols[count++] = symbols[i] as number;
    return count;
  }
}
