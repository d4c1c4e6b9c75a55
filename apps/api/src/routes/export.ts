/**
 * Training export: GET /v1/export?cursor=&limit= streams approved pairs as NDJSON (docs/dataset-format.md
 * section 3). The first page pins a snapshot; every later page, reached through `next_cursor`, excludes rows
 * created after it. A page with no `end` line was cut off: fetch the same cursor again.
 * GET /v1/export/removals?since= lists the pairs that left the export since a point (section 4).
 */
import { Hono } from "hono";
import { z } from "zod";
import { exportLines, ndjsonStream } from "../dataset/export-rows";
import { readExportCursor, readRemovalsSince, takeSnapshot } from "../dataset/export-snapshot";
import { negativeRule } from "../dataset/negative-rule";
import { limitQuery } from "../dataset/query-schemas";
import { removalLines } from "../dataset/removal-rows";
import type { AppBindings } from "../env";
import { rateLimit } from "../middleware/rate-limit";
import { validate } from "../middleware/validate";

const exportQuery = z.object({
  cursor: z.string().max(512).optional(),
  limit: limitQuery(5000, 1000),
});
const removalsQuery = z.object({
  since: z.string().max(512).optional(),
  limit: limitQuery(5000, 1000),
});
const NDJSON = { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store" };

async function* listed<T>(lines: T[]): AsyncGenerator<T> {
  yield* lines;
}

/** Sub-app mounted at /v1/export. */
export const exportRoute = new Hono<AppBindings>()
  .get(
    "/",
    rateLimit({ bucket: "export", ratePerMinute: 120, burst: 30 }),
    validate("query", exportQuery),
    async (c) => {
      const { cursor, limit } = c.req.valid("query");
      const rule = negativeRule(c.env);
      const position = cursor
        ? readExportCursor(cursor)
        : { snapshot: await takeSnapshot(c.env.DB), after: 0 };
      const lines = exportLines(c.env.DB, { ...position, limit, rule });
      return c.body(ndjsonStream(lines), 200, NDJSON);
    },
  )
  .get(
    "/removals",
    rateLimit({ bucket: "export", ratePerMinute: 120, burst: 30 }),
    validate("query", removalsQuery),
    async (c) => {
      const { since, limit } = c.req.valid("query");
      const lines = await removalLines(c.env.DB, since ? readRemovalsSince(since) : 0, limit);
      return c.body(ndjsonStream(listed(lines)), 200, NDJSON);
    },
  );
