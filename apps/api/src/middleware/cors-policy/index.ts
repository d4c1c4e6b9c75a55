/**
 * CORS for third-party pages (the widget): any origin may read (GET, HEAD, OPTIONS) and may write (POST,
 * DELETE) with the Authorization header, because contributor tokens are bearer tokens, never cookies, so no
 * credentials mode is needed. Admin routes answer CORS only to the origins in ADMIN_ORIGINS (the app's own, for
 * its /moderate page): no other browser page has business calling them, even though the admin token, not the
 * origin, is what protects them.
 */
import { cors } from "hono/cors";
import type { Context } from "hono";
import type { AppBindings } from "../../env";

/** Options for {@link corsPolicy}. */
export interface CorsPolicyOptions {
  /** Path prefix that gets no CORS headers. Default `/v1/admin`. */
  privatePrefix?: string;
  /** Preflight cache lifetime in seconds. Default 86400. */
  maxAge?: number;
}

/** Middleware factory: see the file header. */
export function corsPolicy(options: CorsPolicyOptions = {}) {
  const { privatePrefix = "/v1/admin", maxAge = 86_400 } = options;
  return cors({
    origin: (origin, c: Context<AppBindings>) => {
      if (!c.req.path.startsWith(privatePrefix)) return "*";
      const allowed = (c.env.ADMIN_ORIGINS ?? "").split(",").map((o) => o.trim());
      return allowed.includes(origin) || allowed.includes("*") ? origin : null;
    },
    allowMethods: ["GET", "HEAD", "POST", "DELETE", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "Range", "If-None-Match"],
    exposeHeaders: [
      "ETag",
      "Content-Range",
      "Accept-Ranges",
      "Content-Length",
      "Retry-After",
      "Idempotent-Replayed",
    ],
    maxAge,
  });
}
