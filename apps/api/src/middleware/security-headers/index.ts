/**
 * Security headers on every answer, errors and 404s included (this runs after the one `onError`): no MIME
 * sniffing, no referrer, a CSP that lets a JSON or image answer do nothing if opened as a document, no framing,
 * and Cross-Origin-Resource-Policy `cross-origin` because images and JSON are meant to be embedded elsewhere.
 */
import { createMiddleware } from "hono/factory";

/** Options for {@link securityHeaders}. */
export interface SecurityHeadersOptions {
  /** Content-Security-Policy for API answers. Default `default-src 'none'; frame-ancestors 'none'; sandbox`. */
  contentSecurityPolicy?: string;
  /** Strict-Transport-Security value. Default two years with subdomains. */
  strictTransportSecurity?: string;
}

/** Middleware factory: see the file header. */
export function securityHeaders(options: SecurityHeadersOptions = {}) {
  const headers: Record<string, string> = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy":
      options.contentSecurityPolicy ?? "default-src 'none'; frame-ancestors 'none'; sandbox",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Strict-Transport-Security": options.strictTransportSecurity ?? "max-age=63072000; includeSubDomains",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
  };
  return createMiddleware(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });
}
