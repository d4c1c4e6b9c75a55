/**
 * Public model distribution, open to any origin: channel pointers, signed manifests (strong ETag = SHA-256
 * of the canonical manifest, so `If-None-Match` answers 304) and model files by SHA-256 (immutable, one
 * `Range`, 416 otherwise). Only files of recorded versions are served, so a half-published upload is never
 * reachable. Formats: docs/manifest-format.md.
 */
import { SHA256_HEX_PATTERN } from "@commonspace/manifest";
import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import type { AppBindings } from "../env";
import { ApiError } from "../errors";
import { parseByteRange } from "../http/byte-range";
import { ifRangeAllows, strongEtag } from "../http/etag";
import { ifNoneMatchHits } from "../http/if-none-match";
import { CHANNELS, channelSchema, channelVersion } from "../manifest/channels";
import { modelNameSchema, versionSchema } from "../manifest/schema";
import {
  envelopeJson,
  findVersion,
  listVersions,
  publishedFileSize,
  type VersionRow,
} from "../manifest/store";
import { modelFileKey } from "../manifest/upload";
import { validate } from "../middleware/validate";

/** Channel manifests change on promote: clients may reuse one for a minute, then must revalidate (cheap 304). */
const CHANNEL_CACHE = "public, max-age=60, must-revalidate";
/** A version's manifest and a file's bytes never change once published. */
const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";

const listQuerySchema = z.object({
  model: modelNameSchema.optional(),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, "a next_cursor from a previous page")
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Answers with a stored signed manifest, or 304 when the client already holds it. */
function manifestResponse(c: Context<AppBindings>, row: VersionRow, cacheControl: string): Response {
  const etag = strongEtag(row.manifest_sha256);
  const headers = { ETag: etag, "Cache-Control": cacheControl };
  if (ifNoneMatchHits(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
  return c.body(envelopeJson(row), 200, { ...headers, "Content-Type": "application/json; charset=utf-8" });
}

/** Serves `models/<sha256>` with ETag / 304, one Range (206) or 416. */
async function fileResponse(c: Context<AppBindings>, sha256: string): Promise<Response> {
  if (!SHA256_HEX_PATTERN.test(sha256)) {
    throw new ApiError(400, "invalid_sha256", "A model file is addressed by 64 lower-case hex characters.");
  }
  const size = await publishedFileSize(c.env.DB, sha256);
  if (size === null) throw new ApiError(404, "file_not_found", `No published model file ${sha256}.`);
  const etag = strongEtag(sha256);
  const headers: Record<string, string> = {
    ETag: etag,
    "Cache-Control": IMMUTABLE_CACHE,
    "Accept-Ranges": "bytes",
  };
  if (ifNoneMatchHits(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
  const range = ifRangeAllows(c.req.header("if-range"), etag)
    ? parseByteRange(c.req.header("range"), size)
    : ({ kind: "none" } as const);
  if (range.kind === "unsatisfiable") {
    // No Cache-Control here: a cache must not keep a 416 for the URL.
    throw new ApiError(
      416,
      "range_not_satisfiable",
      `The file has ${size} bytes: send one range within it.`,
      {
        ETag: etag,
        "Content-Range": `bytes */${size}`,
      },
    );
  }
  const part = range.kind === "range" ? { offset: range.offset, length: range.length } : undefined;
  const object = await c.env.BUCKET.get(modelFileKey(sha256), { range: part });
  if (!object) throw new ApiError(404, "file_not_found", `Model file ${sha256} is missing from storage.`);
  headers["Content-Type"] = "application/octet-stream";
  headers["Content-Length"] = String(part ? part.length : size);
  if (part) headers["Content-Range"] = `bytes ${part.offset}-${part.offset + part.length - 1}/${size}`;
  return c.body(object.body, part ? 206 : 200, headers);
}

/** Sub-app mounted at `/v1/models`. */
export const models = new Hono<AppBindings>()
  .get("/channels", async (c) => {
    const rows = await Promise.all(
      CHANNELS.map(async (channel) => [channel, await channelVersion(c.env.DB, channel)] as const),
    );
    const channels = rows.map(([channel, row]) => ({
      channel,
      model: row?.model ?? null,
      version: row?.version ?? null,
      manifest_url: `/v1/models/channels/${channel}/manifest`,
    }));
    return c.json({ channels }, 200, { "Cache-Control": CHANNEL_CACHE });
  })
  .get("/channels/:channel/manifest", validate("param", z.object({ channel: channelSchema })), async (c) => {
    const { channel } = c.req.valid("param");
    const row = await channelVersion(c.env.DB, channel);
    if (!row) throw new ApiError(404, "channel_empty", `Channel "${channel}" points at no version yet.`);
    return manifestResponse(c, row, CHANNEL_CACHE);
  })
  .get("/versions", validate("query", listQuerySchema), async (c) => {
    const { model, cursor, limit } = c.req.valid("query");
    const page = await listVersions(c.env.DB, {
      model: model ?? null,
      cursor: cursor ? Number(cursor) : null,
      limit,
    });
    return c.json({ versions: page.versions, next_cursor: page.nextCursor });
  })
  .get(
    "/versions/:name/:version",
    validate("param", z.object({ name: modelNameSchema, version: versionSchema })),
    async (c) => {
      const { name, version } = c.req.valid("param");
      const row = await findVersion(c.env.DB, name, version);
      if (!row) throw new ApiError(404, "version_not_found", `No published version ${name}@${version}.`);
      return manifestResponse(c, row, IMMUTABLE_CACHE);
    },
  )
  .get("/files/:sha256", (c) => fileResponse(c, c.req.param("sha256")));
