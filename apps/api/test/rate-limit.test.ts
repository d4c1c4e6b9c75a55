// The 429 path, with limits small enough to hit: a tiny app wired like the real one, the real RateLimiter
// Durable Object behind it. The real app's limits are scaled up in tests (RATE_LIMIT_SCALE).
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppBindings } from "../src/env";
import { ApiError, errorBody } from "../src/errors";
import { rateLimit } from "../src/middleware/rate-limit";

function limitedApp(key: "ip" | "contributor") {
  const app = new Hono<AppBindings & { Variables: { contributorId: string } }>();
  app.onError((err, c) =>
    err instanceof ApiError
      ? c.json(errorBody(err.code, err.message), err.status, err.extraHeaders as Record<string, string>)
      : c.json(errorBody("internal_error", String(err)), 500),
  );
  app.use("*", async (c, next) => {
    c.set("contributorId", c.req.header("x-test-contributor") ?? "nobody");
    await next();
  });
  app.get("/", rateLimit({ bucket: `test-${key}`, ratePerMinute: 1, burst: 3, key }), (c) => c.text("ok"));
  return app;
}

async function hit(
  app: Hono<AppBindings & { Variables: { contributorId: string } }>,
  headers: Record<string, string>,
) {
  const bindings = { ...env, RATE_LIMIT_SCALE: "1" };
  return app.request("/", { headers }, bindings);
}

describe("rate limits", () => {
  it("answer 429 with Retry-After and the JSON error once an IP has used its burst", async () => {
    const app = limitedApp("ip");
    const ip = { "CF-Connecting-IP": "203.0.113.7" };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await hit(app, ip)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await hit(app, ip);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect((await hit(app, { "CF-Connecting-IP": "203.0.113.8" })).status).toBe(200);
  });

  it("keep one budget per contributor, independent of IP", async () => {
    const app = limitedApp("contributor");
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await hit(app, { "x-test-contributor": "ctb_a", "CF-Connecting-IP": `198.51.100.${i}` })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await hit(app, { "x-test-contributor": "ctb_b" })).status).toBe(200);
  });

  it("refill over time, computed by the Durable Object's token bucket", async () => {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("refill-test"));
    const t0 = 1_000_000;
    expect((await stub.take("b", 60, 1, t0)).allowed).toBe(true);
    const denied = await stub.take("b", 60, 1, t0 + 10);
    expect(denied).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    expect((await stub.take("b", 60, 1, t0 + 1010)).allowed).toBe(true);
  });
});
