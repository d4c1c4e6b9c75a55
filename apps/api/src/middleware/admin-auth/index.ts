/**
 * Admin authentication: requires `Authorization: Bearer <ADMIN_TOKEN>`, where ADMIN_TOKEN is a wrangler
 * secret. The comparison runs in constant time over SHA-256 digests, so neither the token's content nor its
 * length leaks through timing.
 */
import { createMiddleware } from "hono/factory";
import type { AppBindings } from "../../env";
import { ApiError } from "../../errors";

/** Options for {@link adminAuth}. */
export interface AdminAuthOptions {
  /** Name of the secret binding holding the token. Default `ADMIN_TOKEN`. */
  secretName?: "ADMIN_TOKEN";
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** Compares two strings in time independent of where they differ. */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < da.length; i++) diff |= (da[i] ?? 0) ^ (db[i] ?? 0);
  return diff === 0;
}

/** Middleware factory: rejects the request with 401 unless it carries the admin bearer token. */
export function adminAuth(options: AdminAuthOptions = {}) {
  const secretName = options.secretName ?? "ADMIN_TOKEN";
  return createMiddleware<AppBindings>(async (c, next) => {
    const expected = c.env[secretName];
    if (!expected) throw new ApiError(500, "admin_not_configured", "The admin token secret is not set.");
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer (.+)$/.exec(header);
    if (!match?.[1] || !(await constantTimeEqual(match[1], expected))) {
      throw new ApiError(401, "unauthorized", "This route needs the admin bearer token.", {
        "WWW-Authenticate": 'Bearer realm="commonspace-admin"',
      });
    }
    await next();
  });
}
