/** Health route: proves the worker runs and D1 is reachable and migrated. */
import { Hono } from "hono";
import type { AppBindings } from "../env";
import { ApiError } from "../errors";

export const health = new Hono<AppBindings>().get("/", async (c) => {
  const row = await c.env.DB.prepare("SELECT value FROM service_meta WHERE key = 'schema'").first<{
    value: string;
  }>();
  if (!row) throw new ApiError(503, "database_not_migrated", "D1 has no schema row: apply the migrations.");
  return c.json({ status: "ok" as const, database: row.value, environment: c.env.ENVIRONMENT });
});
