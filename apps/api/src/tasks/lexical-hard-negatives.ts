/**
 * Lexical hard negatives: candidates that share the true pair's category (a pear for an apple) or share a word
 * with its caption ("green apple" for "red apple", via FTS5), interleaved, then topped up with random served
 * rows. Everything of the prompt's concept is excluded, because another style of the same emoji is not a
 * negative.
 */
import { ftsAnyTermQuery } from "../text/fts-query";
import type { HardNegativeSource, PromptPair } from "./hard-negatives";
import { OWN_CAPTIONS, OWN_IMAGES, SERVED } from "./not-negatives";

// Words matched in caption text, best BM25 rank first: ?4 is the FTS5 expression.
const WORD_MATCHES =
  "(SELECT rowid AS caption_id, rank AS score FROM captions_fts WHERE captions_fts MATCH ?4 ORDER BY rank LIMIT 200)";

/**
 * SQL for one kind of candidate; parameters ?1 image id, ?2 concept, ?3 caption id, ?4 category, words or start
 * pair id, ?5 limit. Each query selects `id` and `grp`: candidates with the same `grp` (two styles of one
 * concept) would be redundant side by side, so only the first of each group is kept.
 */
interface CandidateQueries {
  byCategory: string;
  byWords: string;
  random: string;
}

const CAPTION_QUERIES: CandidateQueries = {
  byCategory: `SELECT DISTINCT p.caption_id AS id, p.caption_id AS grp FROM images i JOIN pairs p ON p.image_id = i.id
    WHERE i.category = ?4 AND ${SERVED} AND p.caption_id NOT IN (${OWN_CAPTIONS}) ORDER BY random() LIMIT ?5`,
  byWords: `SELECT f.caption_id AS id, f.caption_id AS grp FROM ${WORD_MATCHES} f
    WHERE f.caption_id NOT IN (${OWN_CAPTIONS}) AND EXISTS (SELECT 1 FROM pairs p JOIN images i ON i.id = p.image_id
      WHERE p.caption_id = f.caption_id AND ${SERVED}) ORDER BY f.score LIMIT ?5`,
  random: `SELECT DISTINCT p.caption_id AS id, p.caption_id AS grp FROM pairs p JOIN images i ON i.id = p.image_id
    WHERE p.id >= ?4 AND ${SERVED} AND p.caption_id NOT IN (${OWN_CAPTIONS}) LIMIT ?5`,
};

const IMAGE_QUERIES: CandidateQueries = {
  byCategory: `SELECT i.id, coalesce(i.concept, i.id) AS grp FROM images i WHERE i.category = ?4 AND i.status = 'approved'
    AND i.id NOT IN (${OWN_IMAGES})
    AND EXISTS (SELECT 1 FROM pairs p WHERE p.image_id = i.id AND p.status = 'approved')
    ORDER BY random() LIMIT ?5`,
  byWords: `SELECT i.id, coalesce(i.concept, i.id) AS grp, min(f.score) AS score FROM ${WORD_MATCHES} f
    JOIN pairs p ON p.caption_id = f.caption_id JOIN images i ON i.id = p.image_id
    WHERE ${SERVED} AND i.id NOT IN (${OWN_IMAGES}) GROUP BY i.id ORDER BY score LIMIT ?5`,
  random: `SELECT DISTINCT p.image_id AS id, coalesce(i.concept, i.id) AS grp FROM pairs p
    JOIN images i ON i.id = p.image_id
    WHERE p.id >= ?4 AND ${SERVED} AND p.image_id NOT IN (${OWN_IMAGES}) LIMIT ?5`,
};

interface Candidate {
  id: number;
  grp: string | number;
}

function interleave(first: Candidate[], second: Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < Math.max(first.length, second.length); i++) {
    if (first[i] !== undefined) out.push(first[i] as Candidate);
    if (second[i] !== undefined) out.push(second[i] as Candidate);
  }
  return out;
}

async function candidates(
  db: D1Database,
  queries: CandidateQueries,
  prompt: PromptPair,
  count: number,
  random: () => number,
): Promise<number[]> {
  const run = async (sql: string, fourth: string | number) =>
    (
      await db
        .prepare(sql)
        .bind(prompt.imageId, prompt.concept, prompt.captionId, fourth, count * 2)
        .all<Candidate>()
    ).results;
  const words = ftsAnyTermQuery(prompt.captionText);
  const [byCategory, byWords] = await Promise.all([
    prompt.category === null ? [] : run(queries.byCategory, prompt.category),
    words === null ? [] : run(queries.byWords, words),
  ]);
  const found = new Map<string | number, number>();
  const add = (list: Candidate[]) =>
    list.forEach((item) => found.has(item.grp) || found.set(item.grp, item.id));
  add(interleave(byWords, byCategory));
  // Top up from a random start, then from the beginning (the random start may sit near the end).
  for (const start of [() => randomPairId(db, random), () => 0]) {
    if (found.size >= count) break;
    add(await run(queries.random, await start()));
  }
  return [...found.values()].slice(0, count);
}

/** The lexical {@link HardNegativeSource}; `random` picks where the random top-up starts. */
export function lexicalHardNegatives(random: () => number): HardNegativeSource {
  return {
    modelVersion: null,
    captionsFor: (db, prompt, count) => candidates(db, CAPTION_QUERIES, prompt, count, random),
    imagesFor: (db, prompt, count) => candidates(db, IMAGE_QUERIES, prompt, count, random),
  };
}

/** A pair id drawn uniformly between the smallest and largest (a start point for random scans). */
export async function randomPairId(db: D1Database, random: () => number): Promise<number> {
  const row = await db
    .prepare("SELECT coalesce(min(id), 0) AS low, coalesce(max(id), 0) AS high FROM pairs")
    .first<{ low: number; high: number }>();
  const low = row?.low ?? 0;
  const high = row?.high ?? 0;
  return low + Math.floor(random() * (high - low + 1));
}
