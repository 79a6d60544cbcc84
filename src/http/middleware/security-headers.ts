import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";

/**
 * Scripts only from our origin, no inline script, no framing: a name that slipped past escaping
 * still could not run, and no page can be framed under a click (delete/confirm buttons). Styles
 * allow inline `style=` (progress bar widths).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

/** The same security headers on every response: pages, JSON, the qBittorrent API, errors, files. */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    c.header("Content-Security-Policy", CSP);
    c.header("X-Frame-Options", "DENY");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
  };
}
