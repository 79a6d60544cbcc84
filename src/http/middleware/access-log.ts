import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";

/** One line per request with its id, method, path (no query: it may hold secrets), status, duration. */
export function accessLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const log = c.get("deps").log;
    if (!log.isLevelEnabled("debug")) return;
    log.debug(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      "request",
    );
  };
}
