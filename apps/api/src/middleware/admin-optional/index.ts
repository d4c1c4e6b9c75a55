/**
 * Optional admin recognition for open reads: sets `isAdmin` when the request carries the admin bearer token,
 * so browse routes can show pending or rejected rows to moderators only. Never rejects a request.
 */
import { createMiddleware } from "hono/factory";
import type { Env } from "../../env";
import { constantTimeEqual } from "../admin-auth";

/** Variables the middleware sets. */
export interface AdminOptionalVariables {
  isAdmin: boolean;
}

/** Middleware factory: see the file header. */
export function adminOptional() {
  return createMiddleware<{ Bindings: Env; Variables: AdminOptionalVariables }>(async (c, next) => {
    const token = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    const expected = c.env.ADMIN_TOKEN;
    c.set("isAdmin", Boolean(token && expected && (await constantTimeEqual(token, expected))));
    await next();
  });
}
