/**
 * Contributions: POST /v1/contributions, multipart image + caption + licence + consent + terms version, with an
 * Idempotency-Key header and a contributor token; DELETE /v1/contributions/:id withdraws one of the caller's
 * own. Order of work for a contribution: every check first (size, form, UTF-8, caption, terms, magic bytes,
 * declared type, header dimensions), metadata stripped, the idempotency lookup, then R2 (content-addressed, so
 * harmless if D1 then fails), then one D1 batch holding image, caption, pair, consent and the stored response.
 */
import { sha256Hex } from "@commonspace/manifest";
import { Hono } from "hono";
import { readContributionForm } from "../dataset/contribution-form";
import { isUniqueViolation } from "../dataset/d1-errors";
import { findStoredResponse, idempotencyHeader, replay } from "../dataset/idempotency";
import { pairIdParam } from "../dataset/query-schemas";
import { storeContribution } from "../dataset/store-contribution";
import { withdrawContribution } from "../dataset/withdraw";
import type { AppBindings } from "../env";
import { ApiError } from "../errors";
import { boundaryFromContentType, MultipartError, readMultipartForm } from "../http/multipart-stream";
import { MAX_IMAGE_BYTES } from "../images/inspect-image";
import { prepareImage } from "../images/prepare-image";
import { bodyGuard } from "../middleware/body-guard";
import { contributorAuth } from "../middleware/contributor-auth";
import { rateLimit } from "../middleware/rate-limit";
import { validate } from "../middleware/validate";

/** Room for the caption, licence and multipart framing on top of the largest image. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

async function readParts(stream: ReadableStream<Uint8Array>, contentType: string | undefined) {
  try {
    return await readMultipartForm(stream, boundaryFromContentType(contentType), { maxParts: 8 });
  } catch (err) {
    if (err instanceof MultipartError) throw new ApiError(400, "invalid_multipart", err.message);
    throw err;
  }
}

/** Sub-app mounted at /v1/contributions. */
export const contributions = new Hono<AppBindings>()
  .post(
    "/",
    rateLimit({ bucket: "contribute-ip", ratePerMinute: 60, burst: 20 }),
    contributorAuth(),
    rateLimit({ bucket: "contribute", ratePerMinute: 30, burst: 10, key: "contributor" }),
    validate("header", idempotencyHeader),
    bodyGuard({ maxBytes: MAX_IMAGE_BYTES + FORM_OVERHEAD_BYTES, mediaType: "multipart/form-data" }),
    async (c) => {
      const db = c.env.DB;
      const contributorId = c.var.contributorId;
      const key = c.req.valid("header")["idempotency-key"];
      const form = readContributionForm(await readParts(c.var.bodyStream, c.req.header("content-type")));
      const image = await prepareImage(form.image.data, form.image.contentType ?? "");
      const requestHash = await sha256Hex(
        JSON.stringify([image.sha256, form.caption, form.licence, form.attribution, form.termsVersion]),
      );
      const stored = await findStoredResponse(db, contributorId, key, requestHash);
      if (stored) return replay(stored);
      try {
        const contribution = { contributorId, key, requestHash, image, form };
        const { status, body } = await storeContribution(db, c.env.BUCKET, contribution);
        return c.json(body, status, { Location: `/v1/images/${image.sha256}/meta` });
      } catch (err) {
        // A concurrent retry with the same key won the race: answer as it did (or refuse a different body).
        if (!isUniqueViolation(err, "idempotency_keys")) throw err;
        const winner = await findStoredResponse(db, contributorId, key, requestHash);
        if (!winner) throw err;
        return replay(winner);
      }
    },
  )
  .delete(
    "/:id",
    rateLimit({ bucket: "withdraw", ratePerMinute: 60, burst: 20, key: "ip" }),
    contributorAuth(),
    validate("param", pairIdParam),
    async (c) => {
      const result = await withdrawContribution(c.env, c.var.contributorId, Number(c.req.valid("param").id));
      return c.json(result);
    },
  );
