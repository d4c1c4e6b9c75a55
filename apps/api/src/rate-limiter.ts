/**
 * Durable Object holding token buckets for rate limits, one object per limited key (an IP or a
 * contributor). Each bucket refills continuously at `ratePerMinute` up to `burst`.
 */
import { DurableObject } from "cloudflare:workers";

/** Outcome of one `take` call. */
export interface RateDecision {
  allowed: boolean;
  /** Seconds until one token is available again (0 when allowed). */
  retryAfterSeconds: number;
  remaining: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class RateLimiter extends DurableObject {
  private buckets = new Map<string, Bucket>();

  /** Takes one token from the bucket `name`; never awaits storage, so decisions are serialised. */
  take(name: string, ratePerMinute: number, burst: number, nowMs: number = Date.now()): RateDecision {
    const perMs = ratePerMinute / 60_000;
    const bucket = this.buckets.get(name) ?? { tokens: burst, updatedMs: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + (nowMs - bucket.updatedMs) * perMs);
    bucket.updatedMs = nowMs;
    this.buckets.set(name, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens) };
    }
    return { allowed: false, retryAfterSeconds: Math.ceil((1 - bucket.tokens) / perMs / 1000), remaining: 0 };
  }
}
