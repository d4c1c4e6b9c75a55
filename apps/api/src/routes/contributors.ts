/**
 * Anonymous contributors: POST /v1/contributors issues an id and a bearer token for writes. The token is shown
 * once; D1 keeps only its SHA-256.
 */
import { sha256Hex } from "@commonspace/manifest";
import { Hono } from "hono";
import { randomToken } from "../crypto/random-token";
import type { AppBindings } from "../env";
import { rateLimit } from "../middleware/rate-limit";

/** Sub-app mounted at /v1/contributors. */
export const contributors = new Hono<AppBindings>().post(
  "/",
  rateLimit({ bucket: "contributors", ratePerMinute: 10, burst: 5 }),
  async (c) => {
    const id = randomToken("ctb_", 12);
    const token = randomToken("cst_", 32);
    const now = Date.now();
    await c.env.DB.prepare("INSERT INTO contributors (id, token_hash, created_at) VALUES (?, ?, ?)")
      .bind(id, await sha256Hex(token), now)
      .run();
    return c.json({ id, token, created_at: new Date(now).toISOString() }, 201);
  },
);
