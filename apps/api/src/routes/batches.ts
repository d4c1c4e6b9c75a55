/**
 * Contrastive batches for training: GET /v1/batches/contrastive?n=&seed= returns n approved pairs with their
 * explicit negatives (under the agreement rule, src/dataset/negative-rule.ts). The same seed over the same data returns the same batch; without a seed the API draws
 * one and reports it, so any batch can be fetched again.
 */
import { Hono } from "hono";
import { z } from "zod";
import { contrastiveBatch } from "../dataset/contrastive-batch";
import { negativeRule } from "../dataset/negative-rule";
import { limitQuery } from "../dataset/query-schemas";
import type { AppBindings } from "../env";
import { rateLimit } from "../middleware/rate-limit";
import { validate } from "../middleware/validate";

const batchQuery = z.object({
  n: limitQuery(256, 32),
  seed: z.coerce.number().int().min(0).max(0xffffffff).optional(),
});

/** Sub-app mounted at /v1/batches. */
export const batches = new Hono<AppBindings>().get(
  "/contrastive",
  rateLimit({ bucket: "batches", ratePerMinute: 60, burst: 20 }),
  validate("query", batchQuery),
  async (c) => {
    const { n } = c.req.valid("query");
    const seed = c.req.valid("query").seed ?? crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
    const pairs = await contrastiveBatch(c.env.DB, n, seed, negativeRule(c.env));
    return c.json({ seed, n: pairs.length, pairs }, 200, { "Cache-Control": "no-store" });
  },
);
