/**
 * Rate limiting through the RateLimiter Durable Object: one object per key (an IP, or a contributor) found by
 * `idFromName`, asked over RPC to `take` a token from the named bucket. Over the limit: 429 with Retry-After.
 * If the object cannot be reached, reads proceed (the failure is logged) and writes fail closed with 503
 * `rate_limiter_unavailable`: a write nobody can count is a write nobody can limit.
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
  /**
   * What to do when the limiter cannot be reached: `refuse` answers 503, `allow` lets the request through.
   * Default: refuse for writes (any method but GET, HEAD and OPTIONS), allow for reads.
   */
  whenUnavailable?: "refuse" | "allow";
}

const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

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
      const refuse =
        (options.whenUnavailable ?? (READ_METHODS.has(c.req.method) ? "allow" : "refuse")) === "refuse";
      console.error(
        `rate limiter unavailable for ${name}/${bucket}; ${refuse ? "refusing" : "allowing"}`,
        err,
      );
      if (refuse) {
        throw new ApiError(
          503,
          "rate_limiter_unavailable",
          "Writes are paused because the rate limiter cannot be reached; retry in a minute.",
          { "Retry-After": "60" },
        );
      }
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
