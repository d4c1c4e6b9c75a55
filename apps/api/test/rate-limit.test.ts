// The 429 path, with limits small enough to hit: a tiny app wired like the real one, the real RateLimiter
// Durable Object behind it. The real app's limits are scaled up in tests (RATE_LIMIT_SCALE).
import { abortAllDurableObjects } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppBindings } from "../src/env";
import { ApiError, errorBody } from "../src/errors";
import { rateLimit } from "../src/middleware/rate-limit";
import type { Env } from "../src/env";
import { TERMS_VERSION } from "../src/dataset/terms";
import { callWithEnv, expectApiError, newContributor } from "./helpers/api";
import { pngBytes } from "./helpers/image-bytes";
import { multipartBody } from "./helpers/multipart";
import { expectStoreUnchanged } from "./helpers/store-snapshot";

/** A limiter binding whose every call fails, as when the Durable Object cannot be reached. */
const unreachable = {
  idFromName: () => ({ toString: () => "x" }),
  get: () => ({
    take: () => Promise.reject(new Error("Durable Object unreachable")),
  }),
} as unknown as Env["RATE_LIMITER"];

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

  it("keep their state in the object's storage, so an evicted object resumes with the tokens it had", async () => {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("eviction-test"));
    const t0 = 5_000_000;
    expect((await stub.take("b", 1, 2, t0)).allowed).toBe(true);
    expect((await stub.take("b", 1, 2, t0)).allowed).toBe(true);
    await abortAllDurableObjects(); // every instance dropped from memory; storage kept
    const again = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("eviction-test"));
    expect(await again.take("b", 1, 2, t0 + 10)).toMatchObject({ allowed: false, remaining: 0 });
  });

  it("fail closed for writes when the limiter cannot be reached: 503 with our JSON error, nothing stored", async () => {
    const { token } = await newContributor();
    const broken = { ...env, RATE_LIMITER: unreachable };
    const request = (path: string, init: RequestInit) =>
      callWithEnv(new Request(`http://api.test${path}`, init), broken);
    await expectStoreUnchanged(async () => {
      const res = await request("/v1/contributors", { method: "POST" });
      expect(res.headers.get("retry-after")).toBe("60");
      await expectApiError(res, 503, "rate_limiter_unavailable");
      const { body, contentType } = multipartBody([
        { name: "image", value: pngBytes(16, 16, 9900), filename: "a.png", contentType: "image/png" },
        { name: "caption", value: "never stored" },
        { name: "licence", value: "CC0-1.0" },
        { name: "consent", value: "true" },
        { name: "terms_version", value: TERMS_VERSION },
      ]);
      const headers = {
        Authorization: `Bearer ${token}`,
        "Content-Type": contentType,
        "Idempotency-Key": "k",
      };
      await expectApiError(
        await request("/v1/contributions", { method: "POST", headers, body }),
        503,
        "rate_limiter_unavailable",
      );
      await expectApiError(
        await request("/v1/contributions/1", {
          method: "DELETE",
          headers: { Authorization: `Bearer ${token}` },
        }),
        503,
        "rate_limiter_unavailable",
      );
    });
  });

  it("let reads through when the limiter cannot be reached", async () => {
    const res = await callWithEnv(new Request("http://api.test/v1/terms"), {
      ...env,
      RATE_LIMITER: unreachable,
    });
    expect(res.status).toBe(200);
  });
});
