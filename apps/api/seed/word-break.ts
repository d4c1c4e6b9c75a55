// Splits squashed names such as "bouquetofflowers" or "2hearts" into words ("bouquet of flowers").

/** Longest word tried, in characters; bounds the work per position. */
const MAX_WORD_LENGTH = 24;

/** One- and two-letter words trusted as words; other short vocabulary entries split names into junk. */
export const SHORT_WORDS: ReadonlySet<string> = new Set([
  "a",
  "x",
  "an",
  "at",
  "by",
  "in",
  "no",
  "of",
  "ok",
  "on",
  "or",
  "to",
  "tv",
  "up",
  "id",
]);

/** Endings accepted after a known word ("turn" + "ed"), so inflected forms still count as words. */
const ENDINGS = ["s", "es", "ed", "ing", "er", "ers", "ness"];

const prefixCache = new WeakMap<ReadonlySet<string>, Set<string>>();

/** Prefixes (4+ letters) of vocabulary words: "anguish" counts as a stem of "anguished". */
function prefixesOf(vocabulary: ReadonlySet<string>): Set<string> {
  let prefixes = prefixCache.get(vocabulary);
  if (prefixes === undefined) {
    prefixes = new Set();
    for (const word of vocabulary) for (let n = 4; n < word.length; n++) prefixes.add(word.slice(0, n));
    prefixCache.set(vocabulary, prefixes);
  }
  return prefixes;
}

/**
 * Cost of reading `word` as one word: known 1; a stem, an inflection or a final lone letter
 * ("regional indicator c") 1.5; unknown 2 + its length.
 */
function wordCost(
  word: string,
  atEnd: boolean,
  vocabulary: ReadonlySet<string>,
  prefixes: Set<string>,
): number {
  const known = word.length <= 2 ? SHORT_WORDS.has(word) : vocabulary.has(word);
  if (known) return 1;
  if ((word.length === 1 && atEnd) || (word.length >= 4 && prefixes.has(word))) return 1.5;
  if (
    ENDINGS.some(
      (e) => word.endsWith(e) && word.length - e.length >= 3 && vocabulary.has(word.slice(0, -e.length)),
    )
  ) {
    return 1.5;
  }
  return 2 + word.length;
}

function breakLetters(text: string, vocabulary: ReadonlySet<string>): string[] {
  const prefixes = prefixesOf(vocabulary);
  const n = text.length;
  const cost = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  const next = new Array<number>(n + 1).fill(n);
  cost[n] = 0;
  // Right to left, longest word first: among equal costs the longer leading word wins.
  for (let i = n - 1; i >= 0; i--) {
    for (let j = Math.min(n, i + MAX_WORD_LENGTH); j > i; j--) {
      const total = wordCost(text.slice(i, j), j === n, vocabulary, prefixes) + (cost[j] ?? 0);
      if (total < (cost[i] ?? Number.POSITIVE_INFINITY)) {
        cost[i] = total;
        next[i] = j;
      }
    }
  }
  const words: string[] = [];
  for (let i = 0; i < n; i = next[i] ?? n) words.push(text.slice(i, next[i]));
  return words;
}

/**
 * Splits `text` (lower-case letters and digits) into words: digit runs are words, and each letter run is
 * split into the cheapest sequence of vocabulary words, stems and unknown runs. Deterministic.
 */
export function breakWords(text: string, vocabulary: ReadonlySet<string>): string[] {
  const runs = text.toLowerCase().match(/\d+|[^\d]+/g) ?? [];
  return runs.flatMap((run) => (/^\d+$/.test(run) ? [run] : breakLetters(run, vocabulary)));
}
