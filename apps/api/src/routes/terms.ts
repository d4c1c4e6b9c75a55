/**
 * GET /v1/terms: the contribution terms in force, `{version, text, licences: [{id, summary}]}`. A contribution
 * sends `terms_version` back; only the current version is accepted.
 */
import { Hono } from "hono";
import { termsBody } from "../dataset/terms";
import type { AppBindings } from "../env";

/** Sub-app mounted at /v1/terms. */
export const terms = new Hono<AppBindings>().get("/", (c) =>
  c.json(termsBody(), 200, { "Cache-Control": "public, max-age=300" }),
);
