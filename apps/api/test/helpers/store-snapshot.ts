/**
 * Snapshots of everything the API stores: the row count of every D1 table (found from sqlite_master, so new
 * tables are covered without editing this file) and the list of R2 objects with their sizes. Tests take one
 * before a bad request and assert the one after is identical.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";

/** Row counts per table and R2 keys with sizes. */
export interface StoreSnapshot {
  tables: Record<string, number>;
  objects: string[];
}

/** Reads the current state of D1 and R2. */
export async function snapshotStore(): Promise<StoreSnapshot> {
  const { results } = await env.DB.prepare(
    // D1 refuses reads of its own _cf_ tables; sqlite_ tables are SQLite's bookkeeping.
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name",
  ).all<{ name: string }>();
  const counts = await env.DB.batch<{ n: number }>(
    results.map((row) => env.DB.prepare(`SELECT count(*) AS n FROM "${row.name.replace(/"/g, '""')}"`)),
  );
  const tables: Record<string, number> = {};
  results.forEach((row, i) => (tables[row.name] = counts[i]?.results[0]?.n ?? -1));
  const objects: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const listing = await env.BUCKET.list({ cursor, limit: 1000 });
    for (const object of listing.objects) objects.push(`${object.key}:${object.size}`);
    if (!listing.truncated) break;
    cursor = listing.cursor;
  }
  return { tables, objects: objects.sort() };
}

/** Runs `action` and asserts that D1 and R2 are exactly as they were before it. */
export async function expectStoreUnchanged<T>(action: () => Promise<T>): Promise<T> {
  const before = await snapshotStore();
  const result = await action();
  expect(await snapshotStore()).toEqual(before);
  return result;
}
