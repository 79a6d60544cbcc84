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

/**
 * The same security headers on every response: pages, JSON, the qBittorrent API, errors, files.
 * A route that sets a stricter policy of its own (reports: `default-src 'none'`) keeps it, with
 * frame-ancestors added when it lacks one.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const own = c.res.headers.get("Content-Security-Policy");
    if (!own) c.header("Content-Security-Policy", CSP);
    else if (!own.includes("frame-ancestors"))
      c.header("Content-Security-Policy", `${own}; frame-ancestors 'none'`);
    c.header("X-Frame-Options", "DENY");
    c.header("X-Content-Type-Options", "nosniff");
    if (!c.res.headers.has("Referrer-Policy")) c.header("Referrer-Policy", "same-origin");
  };
}
