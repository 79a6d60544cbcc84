import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, HTTP_STATUS } from "../errors.ts";
import type { AppEnv } from "./context.ts";

function wantsJson(c: Context<AppEnv>): boolean {
  return c.req.path.startsWith("/api/") || (c.req.header("accept") ?? "").includes("application/json");
}

function errorPage(c: Context<AppEnv>, status: number, message: string) {
  const html = c.get("views").render("pages/error", {
    title: `${status}`,
    status,
    message,
    user: c.get("user") ?? null,
    csrfToken: c.get("csrfToken") ?? "",
    authEnabled: c.get("deps")?.config.auth.enabled ?? false,
    path: c.req.path,
  });
  return c.html(html, status as 404);
}

/** One place where errors become answers: JSON under /api/, an error page elsewhere. */
export function handleError(error: Error, c: Context<AppEnv>) {
  let status = 500;
  let code = "internal";
  let message = "Internal error: see the server log";
  if (error instanceof AppError) {
    status = HTTP_STATUS[error.code];
    code = error.code;
    message = error.message;
  } else if (error instanceof HTTPException) {
    status = error.status;
    code = status === 404 ? "not_found" : "http_error";
    message = error.message || "Request failed";
  }
  if (status >= 500) c.get("deps")?.log.error({ err: error, path: c.req.path }, "request failed");
  if (wantsJson(c)) return c.json({ error: { code, message, requestId: c.get("requestId") } }, status as 500);
  return errorPage(c, status, message);
}

export function handleNotFound(c: Context<AppEnv>) {
  const message = `Nothing at ${c.req.path}`;
  if (wantsJson(c)) return c.json({ error: { code: "not_found", message } }, 404);
  return errorPage(c, 404, message);
}
