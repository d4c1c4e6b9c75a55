// Migration 0004 rebuilds images, pairs and judgments: on a database that already holds rows (with the
// newest pair and judgment deleted, so AUTOINCREMENT counters run ahead of the largest id) it keeps every row
// and id, keeps the counters, and leaves the foreign keys pointing at the new tables.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const db = env.MIGRATION_DB;
const before = env.TEST_MIGRATIONS.filter((m) => !m.name.startsWith("0004"));

describe("migration 0004 on a populated database", () => {
  it("keeps rows, ids, counters and foreign keys", async () => {
    await applyD1Migrations(db, before);
    await db.batch([
      db.prepare("INSERT INTO contributors VALUES ('ctb_a', ?, 0)").bind("a".repeat(64)),
      db
        .prepare(
          `INSERT INTO images (id, sha256, r2_key, bytes, width, height, type, source, licence, status, created_at)
           VALUES (7, ?, 'images/x', 10, 16, 16, 'image/png', 'seed', 'CC0-1.0', 'approved', 0)`,
        )
        .bind("b".repeat(64)),
      db.prepare("INSERT INTO captions (id, text, created_at) VALUES (1, 'red apple', 0), (2, 'pear', 0)"),
      db.prepare(
        "INSERT INTO pairs (image_id, caption_id, origin, status, created_at) VALUES (7, 1, 'seed', 'approved', 0)",
      ),
      db.prepare(
        "INSERT INTO pairs (image_id, caption_id, origin, status, created_at) VALUES (7, 2, 'task', 'pending', 0)",
      ),
      db.prepare("DELETE FROM pairs WHERE id = 2"),
      db.prepare(
        "INSERT INTO judgments (image_id, caption_id, verdict, task_id, contributor_id, created_at) VALUES (7, 2, 'negative', 't', 'ctb_a', 0), (7, 1, 'positive', 't', 'ctb_a', 0)",
      ),
      db.prepare("DELETE FROM judgments WHERE id = 2"),
    ]);
    await applyD1Migrations(db, env.TEST_MIGRATIONS);
    const rows = await db
      .prepare(
        `SELECT (SELECT group_concat(id) FROM pairs) AS pairs, (SELECT group_concat(id) FROM judgments) AS judgments,
                (SELECT id FROM images) AS image`,
      )
      .first();
    expect(rows).toEqual({ pairs: "1", judgments: "1", image: 7 });
    await db.batch([
      db.prepare(
        "INSERT INTO pairs (image_id, caption_id, origin, status, created_at) VALUES (7, 2, 'task', 'withdrawn', 0)",
      ),
      db.prepare(
        "INSERT INTO judgments (image_id, caption_id, verdict, task_id, contributor_id, created_at) VALUES (7, 1, 'negative', 'u', 'ctb_a', 0)",
      ),
    ]);
    const ids = await db
      .prepare("SELECT (SELECT max(id) FROM pairs) AS pair, (SELECT max(id) FROM judgments) AS judgment")
      .first();
    expect(ids).toEqual({ pair: 3, judgment: 3 });
    await expect(
      db
        .prepare(
          "INSERT INTO pairs (image_id, caption_id, origin, status, created_at) VALUES (99, 1, 'seed', 'approved', 0)",
        )
        .run(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });
});
