/**
 * Body guard for write routes: checks the media type (415), refuses oversize bodies by Content-Length before
 * reading and by counting while reading (413), and for JSON decodes strictly as UTF-8 (400) and parses (400)
 * before the zod validator sees it. Multipart bodies are not buffered: `c.var.bodyStream` is the body as a
 * stream that fails with 413 at the limit, for the streaming multipart parser.
 */
import { createMiddleware } from "hono/factory";
import type { Env } from "../../env";
import { ApiError } from "../../errors";
import { boundedBodyStream, readBoundedBody } from "../../http/read-bounded-body";
import { decodeUtf8Strict } from "../../text/utf8";

/** Options for {@link bodyGuard}. */
export interface BodyGuardOptions {
  /** Largest body in bytes. */
  maxBytes: number;
  /** Accepted media type. Default `application/json`. */
  mediaType?: "application/json" | "multipart/form-data";
}

/** Variables the guard sets. */
export interface BodyGuardVariables {
  /** The bounded body stream (multipart routes only). */
  bodyStream: ReadableStream<Uint8Array>;
}

/** Middleware factory: see the file header. */
export function bodyGuard(options: BodyGuardOptions) {
  const { maxBytes, mediaType = "application/json" } = options;
  return createMiddleware<{ Bindings: Env; Variables: BodyGuardVariables }>(async (c, next) => {
    const declared = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (declared !== mediaType) {
      throw new ApiError(
        415,
        "unsupported_media_type",
        `This route takes ${mediaType}, not ${declared || "nothing"}.`,
      );
    }
    if (mediaType === "multipart/form-data") {
      c.set("bodyStream", boundedBodyStream(c.req.raw, maxBytes));
    } else {
      const body = await readBoundedBody(c.req.raw, maxBytes);
      const text = decodeUtf8Strict(body, "request body");
      try {
        JSON.parse(text);
      } catch {
        throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
      }
      // Hands the checked text to Hono's body cache, where the json validator reads it.
      // (Hono stores promises there; its type says string.)
      c.req.bodyCache.text = Promise.resolve(text) as unknown as string;
    }
    await next();
  });
}
