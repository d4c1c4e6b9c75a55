// BPE training: count pre-tokens, then repeatedly merge the most frequent adjacent pair, updating pair
// counts only in the words that contain it (incremental counting, as in Hugging Face's BpeTrainer).
import { MAX_VOCAB_SIZE, type MergeRule } from "./bpe";
import { BYTE_TO_CHAR } from "./byte-level";
import { TokenizerOptionError } from "./errors";
import { normalize } from "./normalize";
import { forEachPreToken } from "./pre-tokenize";
import { PriorityQueue } from "./priority-queue";
import { DEFAULT_SPECIAL_TOKENS, SpecialTokenMatcher, type SpecialToken } from "./special-tokens";
import { Tokenizer } from "./tokenizer";

/** Options of {@link trainBpe}. */
export interface TrainBpeOptions {
  /**
   * Largest vocabulary, special tokens and the 256 byte tokens included. Training stops earlier when no
   * pair is seen `minFrequency` times any more.
   */
  vocabSize: number;
  /** Special tokens, given the lowest ids in this order (default `DEFAULT_SPECIAL_TOKENS`, ids 0–31). */
  specialTokens?: readonly string[];
  /** Least number of occurrences for a pair to be merged (default 2). */
  minFrequency?: number;
}

interface PairCount {
  readonly key: number;
  readonly count: number;
}

/** Unique pre-tokens as symbol-id arrays, with their frequencies. */
interface WordTable {
  readonly words: Int32Array[];
  readonly frequencies: number[];
}

function countWords(corpus: Iterable<string>, matcher: SpecialTokenMatcher, firstByteId: number): WordTable {
  const counts = new Map<string, number>();
  const count = (preToken: string): void => void counts.set(preToken, (counts.get(preToken) ?? 0) + 1);
  for (const text of corpus) {
    for (const segment of matcher.split(text)) {
      if (segment.special !== undefined) continue;
      const normalized = normalize(segment.text);
      if (normalized.length > 0 && matcher.get(normalized) === undefined) forEachPreToken(normalized, count);
    }
  }
  const encoder = new TextEncoder();
  const words: Int32Array[] = [];
  const frequencies: number[] = [];
  for (const [word, frequency] of counts) {
    words.push(Int32Array.from(encoder.encode(word), (byte) => firstByteId + byte));
    frequencies.push(frequency);
  }
  return { words, frequencies };
}

function validate(options: TrainBpeOptions, specialTokens: readonly string[]): void {
  const { vocabSize, minFrequency = 2 } = options;
  const smallest = specialTokens.length + 256;
  if (!Number.isInteger(vocabSize) || vocabSize < smallest || vocabSize > MAX_VOCAB_SIZE) {
    const expected = `an integer in [${smallest}, ${MAX_VOCAB_SIZE}] (special tokens + 256 bytes + merges)`;
    throw new TokenizerOptionError("vocabSize", vocabSize, expected);
  }
  if (!Number.isInteger(minFrequency) || minFrequency < 1) {
    throw new TokenizerOptionError("minFrequency", minFrequency, "an integer ≥ 1");
  }
  if (specialTokens.some((token) => typeof token !== "string" || token.length === 0)) {
    throw new TokenizerOptionError("specialTokens", specialTokens, "non-empty strings");
  }
  if (new Set(specialTokens).size !== specialTokens.length) {
    throw new TokenizerOptionError("specialTokens", specialTokens, "no token twice");
  }
}

/** Merges every non-overlapping `(left, right)` in `word`, leftmost first; returns null when there is none. */
function mergeInWord(word: Int32Array, left: number, right: number, merged: number): Int32Array | null {
  const out: number[] = [];
  for (let i = 0; i < word.length; i++) {
    if (i + 1 < word.length && word[i] === left && word[i + 1] === right) {
      out.push(merged);
      i++;
    } else {
      out.push(word[i] as number);
    }
  }
  return out.length === word.length ? null : Int32Array.from(out);
}

/** Pair counts over the word table, kept exact as merges rewrite words, with a lazy max-queue on counts. */
class PairCounts {
  private readonly counts = new Map<number, number>();
  private readonly where = new Map<number, Set<number>>();
  private readonly queue = new PriorityQueue<PairCount>(
    (a, b) => a.count > b.count || (a.count === b.count && a.key < b.key),
  );

  /** Pair key: left * base + right; below 2^30 (vocab ≤ 32768) keys stay small integers for V8. */
  constructor(
    private readonly table: WordTable,
    readonly base: number,
  ) {
    const deltas = new Map<number, number>();
    for (let index = 0; index < table.words.length; index++) this.addPairs(index, 1, deltas);
    this.apply(deltas);
  }

  /** Removes and returns the most frequent pair (ties: lowest key), or `undefined` when none is left. */
  popBest(): PairCount | undefined {
    for (let top = this.queue.pop(); top !== undefined; top = this.queue.pop()) {
      // An entry whose count changed after it was pushed is stale; the fresh entry is in the queue too.
      if (this.counts.get(top.key) === top.count) return top;
    }
    return undefined;
  }

  /** Rewrites every word holding the pair `key` with `merged` and updates the counts of affected pairs. */
  merge(key: number, merged: number): void {
    const left = Math.floor(key / this.base);
    const right = key - left * this.base;
    const deltas = new Map<number, number>();
    for (const index of this.where.get(key) ?? []) {
      const next = mergeInWord(this.table.words[index] as Int32Array, left, right, merged);
      if (next === null) continue;
      this.addPairs(index, -1, deltas);
      this.table.words[index] = next;
      this.addPairs(index, 1, deltas);
    }
    this.apply(deltas);
  }

  /** Drops a pair that must never be merged. */
  forget(key: number): void {
    this.counts.delete(key);
  }

  private addPairs(index: number, sign: 1 | -1, deltas: Map<number, number>): void {
    const word = this.table.words[index] as Int32Array;
    const frequency = sign * (this.table.frequencies[index] as number);
    for (let i = 0; i + 1 < word.length; i++) {
      const key = (word[i] as number) * this.base + (word[i + 1] as number);
      deltas.set(key, (deltas.get(key) ?? 0) + frequency);
      if (sign === -1) continue;
      const holders = this.where.get(key);
      if (holders === undefined) this.where.set(key, new Set([index]));
      else holders.add(index);
    }
  }

  private apply(deltas: Map<number, number>): void {
    for (const [key, delta] of deltas) {
      if (delta === 0) continue;
      const count = (this.counts.get(key) ?? 0) + delta;
      if (count > 0) {
        this.counts.set(key, count);
        this.queue.push({ key, count });
      } else {
        this.counts.delete(key);
        this.where.delete(key);
      }
    }
  }
}

/**
 * Trains a byte-level BPE tokenizer on captions (each normalised and pre-tokenized exactly as `encode` does).
 * Ids: the special tokens first, then the 256 single bytes in byte order, then one id per merge.
 * Deterministic: the same corpus and options give the same tokenizer (ties go to the lower pair of ids).
 * @example trainBpe(captions, { vocabSize: 4096 }).encode("red apple")
 * @throws TokenizerOptionError for a vocabSize below specials + 256, a bad minFrequency or duplicate specials.
 */
export function trainBpe(corpus: Iterable<string>, options: TrainBpeOptions): Tokenizer {
  const specialContents = options.specialTokens ?? DEFAULT_SPECIAL_TOKENS;
  validate(options, specialContents);
  const { vocabSize, minFrequency = 2 } = options;
  const specialTokens: SpecialToken[] = specialContents.map((content, id) => ({ id, content }));
  const vocab: string[] = [...specialContents, ...BYTE_TO_CHAR];
  const idByToken = new Map(BYTE_TO_CHAR.map((char, byte) => [char, specialContents.length + byte]));
  const matcher = new SpecialTokenMatcher(specialTokens);
  const pairs = new PairCounts(countWords(corpus, matcher, specialContents.length), vocabSize);
  const merges: MergeRule[] = [];
  const mergedKeys = new Set<number>();
  while (vocab.length < vocabSize) {
    const top = pairs.popBest();
    if (top === undefined || top.count < minFrequency) break;
    const left = Math.floor(top.key / vocabSize);
    const token = (vocab[left] as string) + (vocab[top.key - left * vocabSize] as string);
    if (matcher.get(token) !== undefined) {
      pairs.forget(top.key);
      continue;
    }
    let merged = idByToken.get(token);
    if (merged === undefined) {
      merged = vocab.push(token) - 1;
      idByToken.set(token, merged);
    }
    // A pair can come back when a merge re-creates an existing token; its first rule already covers it.
    if (!mergedKeys.has(top.key))
      merges.push([vocab[left] as string, vocab[top.key - left * vocabSize] as string]);
    mergedKeys.add(top.key);
    pairs.merge(top.key, merged);
  }
  return new Tokenizer({ vocab, merges, specialTokens });
}
