/**
 * Contributor authentication for writes: `Authorization: Bearer <token>` issued by POST /v1/contributors. Only
 * the token's SHA-256 is stored, so the lookup is by hash and a database leak reveals no usable token.
 */
import { sha256Hex } from "@commonspace/manifest";
import { createMiddleware } from "hono/factory";
import type { Env } from "../../env";
import { ApiError } from "../../errors";

/** Variables the middleware sets. */
export interface ContributorVariables {
  contributorId: string;
}

/** Options for {@link contributorAuth}. */
export interface ContributorAuthOptions {
  /** Realm named in `WWW-Authenticate`. Default `commonspace`. */
  realm?: string;
}

/** Middleware factory: 401 unless the request carries a known contributor token; sets `contributorId`. */
export function contributorAuth(options: ContributorAuthOptions = {}) {
  const realm = options.realm ?? "commonspace";
  return createMiddleware<{ Bindings: Env; Variables: ContributorVariables }>(async (c, next) => {
    const token = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(c.req.header("authorization") ?? "")?.[1];
    const row = token
      ? await c.env.DB.prepare("SELECT id FROM contributors WHERE token_hash = ?")
          .bind(await sha256Hex(token))
          .first<{ id: string }>()
      : null;
    if (!row) {
      throw new ApiError(
        401,
        "unauthorized",
        "This route needs a contributor token: POST /v1/contributors.",
        {
          "WWW-Authenticate": `Bearer realm="${realm}"`,
        },
      );
    }
    c.set("contributorId", row.id);
    await next();
  });
}
