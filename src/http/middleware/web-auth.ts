import type { MiddlewareHandler } from "hono";
import type { Deps } from "../../deps.ts";
import type { AppEnv } from "../context.ts";

/**
 * Web UI authentication and CSRF protection (issue 3 fills this in: login page, session cookie,
 * CSRF token on every state-changing request).
 */
export function webAuth(_deps: Deps): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    await next();
  };
}
