/**
 * Moderation (admin): approve or reject an image (POST /v1/admin/images/:sha256/moderation), which also settles
 * its pending pairs; approve or reject one pair (POST /v1/admin/pairs/:id/moderation), for a new caption on an
 * already approved image; and the queue (GET /v1/admin/moderation/queue): pending images, and approved images
 * with pending captions, oldest first, each with its pending captions.
 */
import { Hono } from "hono";
import { z } from "zod";
import { IMAGE_COLUMNS, imageView, type ImageRow } from "../dataset/image-view";
import { afterIdCursor, limitQuery, sha256Param } from "../dataset/query-schemas";
import type { AppBindings } from "../env";
import { ApiError } from "../errors";
import { adminAuth } from "../middleware/admin-auth";
import { bodyGuard } from "../middleware/body-guard";
import { validate } from "../middleware/validate";
import { decodeCursor, encodeCursor } from "../pagination/cursor";
import { normaliseText } from "../text/normalise-text";

const decisionBody = z.object({
  status: z.enum(["approved", "rejected"]),
  reason: z.string().max(2000).optional(),
});
const queueQuery = z.object({ cursor: z.string().max(512).optional(), limit: limitQuery(100, 20) });
const MAX_DECISION_BYTES = 8 * 1024;

/** Sub-app mounted at /v1/admin (moderation paths only). */
export const adminModeration = new Hono<AppBindings>()
  .post(
    "/images/:sha256/moderation",
    adminAuth(),
    validate("param", sha256Param),
    bodyGuard({ maxBytes: MAX_DECISION_BYTES }),
    validate("json", decisionBody),
    async (c) => {
      const { sha256 } = c.req.valid("param");
      const { status, reason } = c.req.valid("json");
      const note =
        reason === undefined || reason.trim() === ""
          ? null
          : normaliseText(reason, { field: "reason", max: 500 });
      const db = c.env.DB;
      const image = await db
        .prepare("SELECT id FROM images WHERE sha256 = ?")
        .bind(sha256)
        .first<{ id: number }>();
      if (!image) throw new ApiError(404, "image_not_found", `No image ${sha256}.`);
      const [, settled] = await db.batch([
        db
          .prepare("UPDATE images SET status = ?, moderation_reason = ?, moderated_at = ? WHERE id = ?")
          .bind(status, note, Date.now(), image.id),
        db
          .prepare("UPDATE pairs SET status = ? WHERE image_id = ? AND status = 'pending' RETURNING id")
          .bind(status, image.id),
      ]);
      return c.json({ sha256, status, pairs_settled: settled?.results.length ?? 0 });
    },
  )
  .post(
    "/pairs/:id/moderation",
    adminAuth(),
    validate("param", z.object({ id: z.string().regex(/^[1-9][0-9]{0,15}$/, "expected a pair id") })),
    bodyGuard({ maxBytes: MAX_DECISION_BYTES }),
    validate("json", decisionBody),
    async (c) => {
      const { id } = c.req.valid("param");
      const { status } = c.req.valid("json");
      const row = await c.env.DB.prepare("UPDATE pairs SET status = ? WHERE id = ? RETURNING id")
        .bind(status, Number(id))
        .first<{ id: number }>();
      if (!row) throw new ApiError(404, "pair_not_found", `No pair ${id}.`);
      return c.json({ pair_id: id, status });
    },
  )
  .get("/moderation/queue", adminAuth(), validate("query", queueQuery), async (c) => {
    const { cursor, limit } = c.req.valid("query");
    const after = cursor ? decodeCursor(cursor, afterIdCursor).after : 0;
    const db = c.env.DB;
    const { results } = await db
      .prepare(
        `SELECT i.id, ${IMAGE_COLUMNS} FROM images i
         WHERE i.id > ?1 AND i.status != 'rejected'
           AND i.id IN (SELECT id FROM images WHERE status = 'pending'
                        UNION SELECT image_id FROM pairs WHERE status = 'pending')
         ORDER BY i.id LIMIT ?2`,
      )
      .bind(after, limit + 1)
      .all<ImageRow & { id: number }>();
    const page = results.slice(0, limit);
    const { results: pending } = await db
      .prepare(
        `SELECT p.id AS pair_id, p.image_id, p.origin, p.contributor_id, c.id AS caption_id, c.text
         FROM pairs p JOIN captions c ON c.id = p.caption_id
         WHERE p.status = 'pending' AND p.image_id IN (SELECT value FROM json_each(?)) ORDER BY p.id`,
      )
      .bind(JSON.stringify(page.map((row) => row.id)))
      .all<{
        pair_id: number;
        image_id: number;
        origin: string;
        contributor_id: string | null;
        caption_id: number;
        text: string;
      }>();
    const last = page[page.length - 1];
    return c.json({
      items: page.map((row) => ({
        image: imageView(row),
        pending_captions: pending
          .filter((pair) => pair.image_id === row.id)
          .map((pair) => ({
            pair_id: String(pair.pair_id),
            caption: { id: String(pair.caption_id), text: pair.text },
            origin: pair.origin,
            contributor_id: pair.contributor_id,
          })),
      })),
      next_cursor: results.length > limit && last ? encodeCursor({ after: last.id }) : null,
    });
  });
