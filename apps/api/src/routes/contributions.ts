/**
 * Contributions: POST /v1/contributions, multipart image + caption + licence + consent, with an
 * Idempotency-Key header and a contributor token. Order of work: every check first (size, form, UTF-8, caption,
 * magic bytes, declared type, header dimensions), then the idempotency lookup, then R2 (content-addressed, so
 * harmless if D1 then fails), then one D1 batch holding image, caption, pair and the stored response. The
 * image lands (or stays) pending; an image seen before is reused and only gains the new caption pair.
 */
import { sha256Hex } from "@commonspace/manifest";
import { Hono } from "hono";
import { readContributionForm } from "../dataset/contribution-form";
import { isUniqueViolation } from "../dataset/d1-errors";
import { findStoredResponse, idempotencyHeader, replay } from "../dataset/idempotency";
import { storeContribution } from "../dataset/store-contribution";
import type { AppBindings } from "../env";
import { multipartBoundary, parseMultipart } from "../http/multipart";
import { inspectImage, MAX_IMAGE_BYTES } from "../images/inspect-image";
import { bodyGuard } from "../middleware/body-guard";
import { contributorAuth } from "../middleware/contributor-auth";
import { rateLimit } from "../middleware/rate-limit";
import { validate } from "../middleware/validate";

/** Room for the caption, licence and multipart framing on top of the largest image. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

/** Sub-app mounted at /v1/contributions. */
export const contributions = new Hono<AppBindings>().post(
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
    const parts = parseMultipart(c.var.rawBody, multipartBoundary(c.req.header("content-type")));
    const form = readContributionForm(parts);
    const info = inspectImage(form.image.data, form.image.contentType ?? "");
    const sha256 = await sha256Hex(form.image.data);
    const requestHash = await sha256Hex(
      JSON.stringify([sha256, form.caption, form.licence, form.attribution]),
    );
    const stored = await findStoredResponse(db, contributorId, key, requestHash);
    if (stored) return replay(stored);
    try {
      const contribution = { contributorId, key, requestHash, sha256, info, form };
      const { status, body } = await storeContribution(db, c.env.BUCKET, contribution);
      return c.json(body, status, { Location: `/v1/images/${sha256}/meta` });
    } catch (err) {
      // A concurrent retry with the same key won the race: answer as it did (or refuse a different body).
      if (!isUniqueViolation(err, "idempotency_keys")) throw err;
      const winner = await findStoredResponse(db, contributorId, key, requestHash);
      if (!winner) throw err;
      return replay(winner);
    }
  },
);
