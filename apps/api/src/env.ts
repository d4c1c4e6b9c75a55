/** The worker's bindings (wrangler.toml) and secrets (.dev.vars / wrangler secrets). */
import type { RateLimiter } from "./rate-limiter";

export interface Env {
  DB: D1Database;
  BUCKET: R2Bucket;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  ENVIRONMENT: string;
  ADMIN_TOKEN: string;
  MANIFEST_SIGNING_KEY: string;
  TASK_SIGNING_KEY: string;
  /** Optional multiplier for every rate limit (e.g. "1000" in tests and benchmarks). Default 1. */
  RATE_LIMIT_SCALE?: string;
  /** Distinct contributors whose negative votes make a judgment a training negative. Default "2". */
  NEGATIVE_MIN_AGREEING?: string;
  /** Whether a moderator's rejection of a task's pair makes it a training negative. Default "true". */
  NEGATIVE_FROM_MODERATOR?: string;
  /** Comma-separated origins whose pages may call admin routes (CORS), e.g. the app's for /moderate. Default none. */
  ADMIN_ORIGINS?: string;
  /** Age in seconds below which the orphan sweep keeps an unreferenced R2 object. Default "3600". */
  SWEEP_GRACE_SECONDS?: string;
}

/** Hono generics for every sub-app. */
export interface AppBindings {
  Bindings: Env;
}
