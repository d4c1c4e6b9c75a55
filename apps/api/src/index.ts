/**
 * The Commonspace edge API: one Hono app, sub-apps per resource mounted with `app.route()`, and the one
 * `onError` that turns every failure into `{ error: { code, message } }`.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppBindings } from "./env";
import { ApiError, errorBody } from "./errors";
import { health } from "./routes/health";

const app = new Hono<AppBindings>();

const routes = app.route("/v1/health", health);

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
export default app;
