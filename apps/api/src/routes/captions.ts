/**
 * Captions: browse and search (GET /v1/captions) with cursor pagination. A caption is listed under a status
 * when it has a pair with that status (for `approved`, on an approved image); `source` and `licence` filter by
 * the images it is paired with; `q` is an FTS5 search over the caption text.
 */
import { Hono } from "hono";
import { afterIdCursor, browseQuery } from "../dataset/query-schemas";
import { requireAdminForStatus } from "../dataset/require-admin-for-status";
import type { AppBindings } from "../env";
import { adminOptional } from "../middleware/admin-optional";
import { validate } from "../middleware/validate";
import { decodeCursor, encodeCursor } from "../pagination/cursor";
import { ftsAllTermsQuery } from "../text/fts-query";

/** Sub-app mounted at /v1/captions. */
export const captions = new Hono<AppBindings>().get(
  "/",
  adminOptional(),
  validate("query", browseQuery),
  async (c) => {
    const query = c.req.valid("query");
    requireAdminForStatus(query.status, c.var.isAdmin);
    const after = query.cursor ? decodeCursor(query.cursor, afterIdCursor).after : 0;
    const where = ["c.id > ?"];
    const params: (string | number)[] = [after];
    if (query.q !== undefined) {
      const match = ftsAllTermsQuery(query.q);
      if (match === null) return c.json({ items: [], next_cursor: null });
      where.push("c.id IN (SELECT rowid FROM captions_fts WHERE captions_fts MATCH ?)");
      params.push(match);
    }
    const pairWhere = ["p.caption_id = c.id", "p.status = ?"];
    params.push(query.status);
    if (query.status === "approved") pairWhere.push("i.status = 'approved'");
    if (query.source) {
      pairWhere.push("i.source = ?");
      params.push(query.source);
    }
    if (query.licence) {
      pairWhere.push("i.licence = ?");
      params.push(query.licence);
    }
    where.push(
      `EXISTS (SELECT 1 FROM pairs p JOIN images i ON i.id = p.image_id WHERE ${pairWhere.join(" AND ")})`,
    );
    const { results } = await c.env.DB.prepare(
      `SELECT c.id, c.text, c.created_at FROM captions c WHERE ${where.join(" AND ")} ORDER BY c.id LIMIT ?`,
    )
      .bind(...params, query.limit + 1)
      .all<{ id: number; text: string; created_at: number }>();
    const page = results.slice(0, query.limit);
    const last = page[page.length - 1];
    return c.json({
      items: page.map((row) => ({
        id: String(row.id),
        text: row.text,
        created_at: new Date(row.created_at).toISOString(),
      })),
      next_cursor: results.length > query.limit && last ? encodeCursor({ after: last.id }) : null,
    });
  },
);
