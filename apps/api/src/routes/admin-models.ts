/**
 * Admin model publishing: `POST /v1/admin/models` (multipart: a `manifest` JSON part first, then one part
 * per file, named by the file's `name`). The work is in src/manifest/publish.ts; see docs/manifest-format.md.
 */
import { Hono } from "hono";
import type { AppBindings } from "../env";
import { publishVersion } from "../manifest/publish";
import { adminAuth } from "../middleware/admin-auth";

/** Sub-app mounted at `/v1/admin/models`. */
export const adminModels = new Hono<AppBindings>().use("*", adminAuth()).post("/", async (c) => {
  const { envelope, manifestSha256 } = await publishVersion(c.env, c.req.raw);
  return c.json({ ...envelope, manifest_sha256: manifestSha256 }, 201);
});
