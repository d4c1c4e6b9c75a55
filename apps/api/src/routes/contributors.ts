/**
 * Anonymous contributors: POST /v1/contributors issues an id and a bearer token for writes (shown once; D1
 * keeps only its SHA-256). With that token, GET /v1/contributors/me/contributions lists the caller's
 * contributions with their status, and GET /v1/contributors/me/agreement says how often their task answers
 * agree with other people's.
 */
import { sha256Hex } from "@commonspace/manifest";
import { Hono } from "hono";
import { z } from "zod";
import { randomToken } from "../crypto/random-token";
import { agreementOf, ownContributions } from "../dataset/contributor-history";
import { RECORD_STATUSES } from "../dataset/moderation-status";
import { limitQuery } from "../dataset/query-schemas";
import type { AppBindings } from "../env";
import { contributorAuth } from "../middleware/contributor-auth";
import { rateLimit } from "../middleware/rate-limit";
import { validate } from "../middleware/validate";
import { decodeCursor, encodeCursor } from "../pagination/cursor";

const listQuery = z.object({
  cursor: z.string().max(512).optional(),
  limit: limitQuery(100, 50),
  status: z.enum(RECORD_STATUSES).optional(),
});
const beforeCursor = z.object({ before: z.number().int().positive() });

/** Sub-app mounted at /v1/contributors. */
export const contributors = new Hono<AppBindings>()
  .post("/", rateLimit({ bucket: "contributors", ratePerMinute: 10, burst: 5 }), async (c) => {
    const id = randomToken("ctb_", 12);
    const token = randomToken("cst_", 32);
    const now = Date.now();
    await c.env.DB.prepare("INSERT INTO contributors (id, token_hash, created_at) VALUES (?, ?, ?)")
      .bind(id, await sha256Hex(token), now)
      .run();
    return c.json({ id, token, created_at: new Date(now).toISOString() }, 201);
  })
  .get("/me/contributions", contributorAuth(), validate("query", listQuery), async (c) => {
    const { cursor, limit, status } = c.req.valid("query");
    const before = cursor ? decodeCursor(cursor, beforeCursor).before : Number.MAX_SAFE_INTEGER;
    const { items, nextBefore } = await ownContributions(c.env.DB, c.var.contributorId, {
      before,
      limit,
      status,
    });
    return c.json(
      { items, next_cursor: nextBefore === null ? null : encodeCursor({ before: nextBefore }) },
      200,
      { "Cache-Control": "private, no-store" },
    );
  })
  .get("/me/agreement", contributorAuth(), async (c) =>
    c.json(await agreementOf(c.env.DB, c.var.contributorId), 200, { "Cache-Control": "private, no-store" }),
  );
