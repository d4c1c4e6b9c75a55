/**
 * The orphan sweep, run by the Workers cron trigger (`scheduled` in src/index.ts, `[triggers]` in
 * wrangler.toml): lists R2 under `images/` and `models/` and deletes every object that no D1 row references
 * (an image row that is pending or approved; a model_files row) and that is older than the grace period.
 * Orphans come from a D1 batch that failed after its R2 put, a delete after a withdrawal or rejection that
 * failed, or a publish that could not clean up. The grace period spares objects whose D1 batch is still on its
 * way: writers re-put an object they reuse, which refreshes its upload time.
 */
import type { Env } from "../env";

/** Options for {@link sweepOrphans}. */
export interface SweepOptions {
  /** Current time in ms. */
  nowMs: number;
  /** Objects uploaded less than this long ago are kept. */
  graceMs: number;
  /** Most listing pages (1000 keys each) per prefix in one run. Default 50. */
  maxPages?: number;
}

/** What one sweep did. */
export interface SweepResult {
  listed: number;
  deleted: string[];
}

/** Default grace period: one hour. */
export const DEFAULT_SWEEP_GRACE_SECONDS = 3600;

const PREFIXES: { prefix: string; referenced: string }[] = [
  {
    prefix: "images/",
    referenced: `SELECT r2_key AS key FROM images
                 WHERE status IN ('pending', 'approved') AND r2_key IN (SELECT value FROM json_each(?))`,
  },
  {
    prefix: "models/",
    referenced: `SELECT DISTINCT 'models/' || sha256 AS key FROM model_files
                 WHERE 'models/' || sha256 IN (SELECT value FROM json_each(?))`,
  },
];

async function sweepPage(env: Env, referencedSql: string, objects: R2Object[], cutoffMs: number) {
  const keys = objects.map((object) => object.key);
  const { results } = await env.DB.prepare(referencedSql).bind(JSON.stringify(keys)).all<{ key: string }>();
  const referenced = new Set(results.map((row) => row.key));
  const orphans = objects
    .filter((object) => !referenced.has(object.key) && object.uploaded.getTime() <= cutoffMs)
    .map((object) => object.key);
  if (orphans.length > 0) await env.BUCKET.delete(orphans);
  return orphans;
}

/** Deletes unreferenced objects older than the grace period. */
export async function sweepOrphans(env: Env, options: SweepOptions): Promise<SweepResult> {
  const { nowMs, graceMs, maxPages = 50 } = options;
  const result: SweepResult = { listed: 0, deleted: [] };
  for (const { prefix, referenced } of PREFIXES) {
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const listing = await env.BUCKET.list({ prefix, cursor, limit: 1000 });
      result.listed += listing.objects.length;
      result.deleted.push(...(await sweepPage(env, referenced, listing.objects, nowMs - graceMs)));
      if (!listing.truncated) break;
      cursor = listing.cursor;
    }
  }
  return result;
}

/** The grace period from `SWEEP_GRACE_SECONDS` (default one hour), in ms. */
export function sweepGraceMs(env: Pick<Env, "SWEEP_GRACE_SECONDS">): number {
  const raw = env.SWEEP_GRACE_SECONDS ?? String(DEFAULT_SWEEP_GRACE_SECONDS);
  if (!/^[0-9]{1,9}$/.test(raw)) {
    throw new Error(`SWEEP_GRACE_SECONDS is ${JSON.stringify(raw)}; expected whole seconds, e.g. "3600"`);
  }
  return Number(raw) * 1000;
}
