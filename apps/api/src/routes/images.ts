/**
 * Images: browse with cursor pagination and filters (GET /v1/images), bytes by SHA-256 with immutable caching,
 * ETag / If-None-Match and single byte ranges (GET /v1/images/:sha256), and metadata with captions
 * (GET /v1/images/:sha256/meta). Anything not approved is visible to the admin token only.
 */
import { Hono } from "hono";
import { IMAGE_COLUMNS, imageView, type ImageRow } from "../dataset/image-view";
import { browseQuery, afterIdCursor, sha256Param } from "../dataset/query-schemas";
import { requireAdminForStatus } from "../dataset/require-admin-for-status";
import type { AppBindings } from "../env";
import { ApiError } from "../errors";
import { parseByteRange } from "../http/byte-range";
import { ifNoneMatchHits } from "../http/if-none-match";
import { adminOptional } from "../middleware/admin-optional";
import { validate } from "../middleware/validate";
import { decodeCursor, encodeCursor } from "../pagination/cursor";
import { ftsAllTermsQuery } from "../text/fts-query";

const IMMUTABLE = "public, max-age=31536000, immutable";

interface StoredImage {
  id: number;
  r2_key: string;
  bytes: number;
  type: string;
  status: string;
}

async function findVisibleImage(db: D1Database, sha256: string, isAdmin: boolean) {
  const row = await db
    .prepare("SELECT id, r2_key, bytes, type, status FROM images WHERE sha256 = ?")
    .bind(sha256)
    .first<StoredImage>();
  if (!row || (row.status !== "approved" && !isAdmin)) {
    throw new ApiError(404, "image_not_found", `No image ${sha256}.`);
  }
  return row;
}

/** Sub-app mounted at /v1/images. */
export const images = new Hono<AppBindings>()
  .get("/", adminOptional(), validate("query", browseQuery), async (c) => {
    const query = c.req.valid("query");
    requireAdminForStatus(query.status, c.var.isAdmin);
    const after = query.cursor ? decodeCursor(query.cursor, afterIdCursor).after : 0;
    const where = ["i.id > ?", "i.status = ?"];
    const params: (string | number)[] = [after, query.status];
    if (query.source) {
      where.push("i.source = ?");
      params.push(query.source);
    }
    if (query.licence) {
      where.push("i.licence = ?");
      params.push(query.licence);
    }
    if (query.q !== undefined) {
      const match = ftsAllTermsQuery(query.q);
      if (match === null) return c.json({ items: [], next_cursor: null });
      where.push(
        `i.id IN (SELECT p.image_id FROM pairs p WHERE p.caption_id IN
           (SELECT rowid FROM captions_fts WHERE captions_fts MATCH ?) AND (p.status = 'approved' OR ?))`,
      );
      params.push(match, c.var.isAdmin ? 1 : 0);
    }
    const { results } = await c.env.DB.prepare(
      `SELECT i.id, ${IMAGE_COLUMNS} FROM images i WHERE ${where.join(" AND ")} ORDER BY i.id LIMIT ?`,
    )
      .bind(...params, query.limit + 1)
      .all<ImageRow & { id: number }>();
    const page = results.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor = results.length > query.limit && last ? encodeCursor({ after: last.id }) : null;
    return c.json({ items: page.map(imageView), next_cursor: nextCursor });
  })
  .get("/:sha256", adminOptional(), validate("param", sha256Param), async (c) => {
    const { sha256 } = c.req.valid("param");
    const image = await findVisibleImage(c.env.DB, sha256, c.var.isAdmin);
    if (image.status === "rejected" || image.status === "withdrawn") {
      throw new ApiError(
        404,
        "image_not_found",
        `Image ${sha256} was ${image.status}; its bytes were deleted.`,
      );
    }
    const headers: Record<string, string> = {
      ETag: `"${sha256}"`,
      "Cache-Control": image.status === "approved" ? IMMUTABLE : "private, no-store",
      "Accept-Ranges": "bytes",
    };
    if (ifNoneMatchHits(c.req.header("if-none-match"), headers.ETag as string)) {
      return c.body(null, 304, headers);
    }
    const range = parseByteRange(c.req.header("range"), image.bytes);
    if (range.kind === "unsatisfiable") {
      throw new ApiError(416, "range_not_satisfiable", `The Range does not fit ${image.bytes} bytes.`, {
        "Content-Range": `bytes */${image.bytes}`,
      });
    }
    const object = await c.env.BUCKET.get(
      image.r2_key,
      range.kind === "range" ? { range: { offset: range.offset, length: range.length } } : {},
    );
    if (!object)
      throw new ApiError(500, "image_bytes_missing", `The bytes of ${sha256} are missing from storage.`);
    headers["Content-Type"] = image.type;
    if (range.kind === "range") {
      const end = range.offset + range.length - 1;
      headers["Content-Range"] = `bytes ${range.offset}-${end}/${image.bytes}`;
      headers["Content-Length"] = String(range.length);
      return c.body(object.body, 206, headers);
    }
    headers["Content-Length"] = String(image.bytes);
    return c.body(object.body, 200, headers);
  })
  .get("/:sha256/meta", adminOptional(), validate("param", sha256Param), async (c) => {
    const { sha256 } = c.req.valid("param");
    const image = await findVisibleImage(c.env.DB, sha256, c.var.isAdmin);
    const [row, captions] = await c.env.DB.batch<Record<string, unknown>>([
      c.env.DB.prepare(`SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.id = ?`).bind(image.id),
      c.env.DB.prepare(
        `SELECT c.id, c.text, p.id AS pair_id, p.origin, p.status,
           (SELECT count(*) FROM judgments j WHERE j.image_id = p.image_id AND j.caption_id = p.caption_id
              AND j.verdict = 'positive') AS positive_votes
         FROM pairs p JOIN captions c ON c.id = p.caption_id
         WHERE p.image_id = ? AND (p.status = 'approved' OR ?) ORDER BY p.id`,
      ).bind(image.id, c.var.isAdmin ? 1 : 0),
    ]);
    const imageRow = row?.results[0] as ImageRow | undefined;
    if (!imageRow) throw new ApiError(404, "image_not_found", `No image ${sha256}.`);
    const items = (captions?.results ?? []) as {
      id: number;
      text: string;
      pair_id: number;
      origin: string;
      status: string;
      positive_votes: number;
    }[];
    return c.json({
      image: imageView(imageRow),
      captions: items.map((item) => ({
        id: String(item.id),
        text: item.text,
        pair_id: String(item.pair_id),
        origin: item.origin,
        status: item.status,
        positive_votes: item.positive_votes,
      })),
    });
  });
