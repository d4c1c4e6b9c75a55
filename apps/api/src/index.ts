/**
 * The Commonspace edge API: one Hono app, sub-apps per resource mounted with `app.route()`, and the one
 * `onError` that turns every failure into `{ error: { code, message } }`. The worker also has a `scheduled`
 * handler (cron trigger in wrangler.toml) that sweeps R2 objects no D1 row references.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { sweepGraceMs, sweepOrphans } from "./dataset/sweep";
import type { AppBindings, Env } from "./env";
import { ApiError, errorBody } from "./errors";
import { corsPolicy } from "./middleware/cors-policy";
import { rateLimit } from "./middleware/rate-limit";
import { securityHeaders } from "./middleware/security-headers";
import { adminImport } from "./routes/admin-import";
import { adminModeration } from "./routes/admin-moderation";
import { batches } from "./routes/batches";
import { captions } from "./routes/captions";
import { contributions } from "./routes/contributions";
import { contributors } from "./routes/contributors";
import { exportRoute } from "./routes/export";
import { health } from "./routes/health";
import { images } from "./routes/images";
import { tasks } from "./routes/tasks";
import { terms } from "./routes/terms";
import { adminChannels } from "./routes/admin-channels";
import { adminModels } from "./routes/admin-models";
import { models } from "./routes/models";

const app = new Hono<AppBindings>();

// Registered before the routes so they wrap every answer, errors and 404s included.
app.use("*", securityHeaders());
app.use("/v1/*", corsPolicy());
app.use(
  "/v1/*",
  rateLimit({ bucket: "requests", ratePerMinute: 1200, burst: 300, skipPaths: ["/v1/health"] }),
);

// Only its type is used (AppType below); the value is the same app, with every route chained.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const routes = app
  .route("/v1/health", health)
  .route("/v1/terms", terms)
  .route("/v1/contributors", contributors)
  .route("/v1/images", images)
  .route("/v1/captions", captions)
  .route("/v1/contributions", contributions)
  .route("/v1/tasks", tasks)
  .route("/v1/batches", batches)
  .route("/v1/export", exportRoute)
  .route("/v1/admin/import", adminImport)
  .route("/v1/admin", adminModeration)
  .route("/v1/models", models)
  .route("/v1/admin/models", adminModels)
  .route("/v1/admin/channels", adminChannels);

app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404));

app.onError((err, c) => {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message), err.status, err.extraHeaders as Record<string, string>);
  }
  if (err instanceof HTTPException) {
    return c.json(errorBody("http_error", err.message || "Request failed."), err.status);
  }
  console.error("unhandled error", err);
  return c.json(errorBody("internal_error", "Something went wrong on our side."), 500);
});

/** The typed route tree, for Hono RPC clients (`hc<AppType>`). */
export type AppType = typeof routes;
export { RateLimiter } from "./rate-limiter";

/** Cron trigger: the orphan sweep (src/dataset/sweep.ts). */
async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  const result = await sweepOrphans(env, { nowMs: controller.scheduledTime, graceMs: sweepGraceMs(env) });
  console.log(
    `sweep (${controller.cron}): listed ${result.listed}, deleted ${result.deleted.length} orphan(s)`,
  );
}

export default { fetch: app.fetch, scheduled } satisfies ExportedHandler<Env>;
