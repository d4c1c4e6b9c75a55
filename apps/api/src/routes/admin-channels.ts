/**
 * Admin release channels: `POST /v1/admin/channels/:channel` `{version, model?}` points a channel at a
 * published version; `POST /v1/admin/channels/:channel/rollback` moves it back to where it was before its
 * newest promote. Both are recorded in model_channel_history.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppBindings } from "../env";
import { ApiError } from "../errors";
import { channelSchema, promote, rollback } from "../manifest/channels";
import { modelNameSchema, versionSchema } from "../manifest/schema";
import { matchVersions } from "../manifest/store";
import { adminAuth } from "../middleware/admin-auth";
import { bodyGuard } from "../middleware/body-guard";
import { validate } from "../middleware/validate";

const channelParam = validate("param", z.object({ channel: channelSchema }));

const promoteBodySchema = z.strictObject({
  version: versionSchema,
  /** Needed only when several models have a version with this string. */
  model: modelNameSchema.optional(),
});

async function resolveVersionId(db: D1Database, version: string, model: string | null): Promise<number> {
  const matches = await matchVersions(db, version, model);
  const [only] = matches;
  if (!only) {
    throw new ApiError(
      404,
      "version_not_found",
      `No published version "${version}"${model ? ` of ${model}` : ""}.`,
    );
  }
  if (matches.length > 1) {
    throw new ApiError(409, "ambiguous_version", `Several models have version "${version}"; add "model".`);
  }
  return only.id;
}

/** Sub-app mounted at `/v1/admin/channels`. */
export const adminChannels = new Hono<AppBindings>()
  .use("*", adminAuth())
  .post(
    "/:channel",
    channelParam,
    bodyGuard({ maxBytes: 4096 }),
    validate("json", promoteBodySchema),
    async (c) => {
      const { channel } = c.req.valid("param");
      const { version, model } = c.req.valid("json");
      const versionId = await resolveVersionId(c.env.DB, version, model ?? null);
      return c.json(await promote(c.env.DB, channel, versionId, new Date().toISOString()));
    },
  )
  .post("/:channel/rollback", channelParam, async (c) => {
    const { channel } = c.req.valid("param");
    return c.json(await rollback(c.env.DB, channel, new Date().toISOString()));
  });
