/**
 * Rate limiting through the RateLimiter Durable Object: one object per key (an IP, or a contributor) found by
 * `idFromName`, asked over RPC to `take` a token from the named bucket. Over the limit: 429 with Retry-After.
 * If the object cannot be reached the request proceeds and the failure is logged (limits protect, they must
 * not take the API down with them).
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Env } from "../../env";
import { ApiError } from "../../errors";

/** Options for {@link rateLimit}. */
export interface RateLimitOptions {
  /** Bucket name, so each route class has its own budget per key, e.g. `contribute`. */
  bucket: string;
  /** Sustained rate. */
  ratePerMinute: number;
  /** Largest burst. */
  burst: number;
  /** What is limited: the client IP (CF-Connecting-IP) or the authenticated contributor. Default `ip`. */
  key?: "ip" | "contributor";
  /** Exact paths that are never limited (e.g. the health check). Default none. */
  skipPaths?: string[];
}

function limitKey(c: Context, key: "ip" | "contributor"): string {
  if (key === "contributor") return `contributor:${String(c.get("contributorId") ?? "anonymous")}`;
  return `ip:${c.req.header("cf-connecting-ip") ?? "unknown"}`;
}

/** Middleware factory: see the file header. `RATE_LIMIT_SCALE` multiplies rate and burst. */
export function rateLimit(options: RateLimitOptions) {
  const { bucket, ratePerMinute, burst, key = "ip", skipPaths = [] } = options;
  return createMiddleware<{ Bindings: Env }>(async (c, next) => {
    if (skipPaths.includes(c.req.path)) return next();
    const scale = Number(c.env.RATE_LIMIT_SCALE ?? "1") || 1;
    const name = limitKey(c, key);
    let decision: { allowed: boolean; retryAfterSeconds: number } | null = null;
    try {
      const stub = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(name));
      decision = await stub.take(bucket, ratePerMinute * scale, burst * scale);
    } catch (err) {
      console.error(`rate limiter unavailable for ${name}/${bucket}; allowing the request`, err);
    }
    if (decision && !decision.allowed) {
      const retryAfter = String(Math.max(1, decision.retryAfterSeconds));
      throw new ApiError(429, "rate_limited", `Too many requests (${bucket}); retry in ${retryAfter} s.`, {
        "Retry-After": retryAfter,
      });
    }
    await next();
  });
}
