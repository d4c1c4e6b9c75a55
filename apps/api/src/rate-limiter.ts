/**
 * Durable Object holding token buckets for rate limits, one object per limited key (an IP or a
 * contributor). Each bucket refills continuously at `ratePerMinute` up to `burst`. Buckets live in the
 * object's own SQLite storage, so an evicted or restarted object resumes with the tokens it had: a client
 * cannot reset its limit by waiting for the object to be evicted. The synchronous SQL API keeps each decision
 * a single uninterrupted step (no await between read and write), so concurrent requests stay serialised.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "./env";

/** Outcome of one `take` call. */
export interface RateDecision {
  allowed: boolean;
  /** Seconds until one token is available again (0 when allowed). */
  retryAfterSeconds: number;
  remaining: number;
}

export class RateLimiter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_ms INTEGER NOT NULL)",
    );
  }

  /** Takes one token from the bucket `name`. */
  take(name: string, ratePerMinute: number, burst: number, nowMs: number = Date.now()): RateDecision {
    const sql = this.ctx.storage.sql;
    const perMs = ratePerMinute / 60_000;
    const stored = sql
      .exec<{ tokens: number; updated_ms: number }>(
        "SELECT tokens, updated_ms FROM buckets WHERE name = ?",
        name,
      )
      .toArray()[0];
    const elapsed = stored ? Math.max(0, nowMs - stored.updated_ms) : 0;
    let tokens = Math.min(burst, (stored?.tokens ?? burst) + elapsed * perMs);
    const allowed = tokens >= 1;
    if (allowed) tokens -= 1;
    sql.exec(
      "INSERT INTO buckets (name, tokens, updated_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET tokens = excluded.tokens, updated_ms = excluded.updated_ms",
      name,
      tokens,
      Math.max(nowMs, stored?.updated_ms ?? 0),
    );
    if (allowed) return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(tokens) };
    return { allowed: false, retryAfterSeconds: Math.ceil((1 - tokens) / perMs / 1000), remaining: 0 };
  }
}
