/**
 * Moderation (admin): the queue (GET /v1/admin/moderation/queue) with what a moderator needs per item; a
 * decision on one image (POST /v1/admin/images/:sha256/moderation), which also settles its pairs; on one pair
 * (POST /v1/admin/pairs/:id/moderation); or on up to 100 of either at once, all or nothing
 * (POST /v1/admin/moderation/decisions). Rejecting an image deletes its bytes; see src/dataset/moderation.ts.
 */
import { Hono } from "hono";
import { z } from "zod";
import { applyDecisions, type Decision } from "../dataset/moderation";
import { moderationQueue } from "../dataset/moderation-queue";
import { afterIdCursor, limitQuery, pairIdParam, sha256Param } from "../dataset/query-schemas";
import type { AppBindings } from "../env";
import { adminAuth } from "../middleware/admin-auth";
import { bodyGuard } from "../middleware/body-guard";
import { validate } from "../middleware/validate";
import { decodeCursor, encodeCursor } from "../pagination/cursor";
import { normaliseText } from "../text/normalise-text";

const status = z.enum(["approved", "rejected"]);
const reason = z.string().max(2000).optional();
const decisionBody = z.object({ status, reason });
const bulkBody = z.object({
  decisions: z
    .array(
      z.union([
        z.strictObject({ image: sha256Param.shape.sha256, status, reason }),
        z.strictObject({ pair_id: pairIdParam.shape.id, status }),
      ]),
    )
    .min(1)
    .max(100),
});
const queueQuery = z.object({ cursor: z.string().max(512).optional(), limit: limitQuery(100, 20) });
const MAX_DECISION_BYTES = 8 * 1024;
const MAX_BULK_BYTES = 256 * 1024;

function note(raw: string | undefined): string | null {
  return raw === undefined || raw.trim() === "" ? null : normaliseText(raw, { field: "reason", max: 500 });
}

/** Sub-app mounted at /v1/admin (moderation paths only). */
export const adminModeration = new Hono<AppBindings>()
  .post(
    "/images/:sha256/moderation",
    adminAuth(),
    validate("param", sha256Param),
    bodyGuard({ maxBytes: MAX_DECISION_BYTES }),
    validate("json", decisionBody),
    async (c) => {
      const body = c.req.valid("json");
      const decision = { image: c.req.valid("param").sha256, status: body.status, reason: note(body.reason) };
      const [result] = await applyDecisions(c.env, [decision]);
      return c.json(result as { sha256: string; status: string; pairs_settled: number });
    },
  )
  .post(
    "/pairs/:id/moderation",
    adminAuth(),
    validate("param", pairIdParam),
    bodyGuard({ maxBytes: MAX_DECISION_BYTES }),
    validate("json", decisionBody),
    async (c) => {
      const decision = { pair_id: c.req.valid("param").id, status: c.req.valid("json").status };
      const [result] = await applyDecisions(c.env, [decision]);
      return c.json(result as { pair_id: string; status: string });
    },
  )
  .post(
    "/moderation/decisions",
    adminAuth(),
    bodyGuard({ maxBytes: MAX_BULK_BYTES }),
    validate("json", bulkBody),
    async (c) => {
      const decisions: Decision[] = c.req
        .valid("json")
        .decisions.map((d) => ("image" in d ? { ...d, reason: note(d.reason) } : d));
      return c.json({ results: await applyDecisions(c.env, decisions, true) });
    },
  )
  .get("/moderation/queue", adminAuth(), validate("query", queueQuery), async (c) => {
    const { cursor, limit } = c.req.valid("query");
    const after = cursor ? decodeCursor(cursor, afterIdCursor).after : 0;
    const { items, nextAfter } = await moderationQueue(c.env.DB, after, limit);
    return c.json({ items, next_cursor: nextAfter === null ? null : encodeCursor({ after: nextAfter }) });
  });
