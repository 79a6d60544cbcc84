import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Deps } from "../../deps.ts";
import {
  checkCredentials,
  constantTimeEqual,
  randomToken,
  resolveSession,
} from "../../services/web-auth/index.ts";
import { retryAfterText } from "../../services/web-auth/throttle.ts";
import { clientAddress } from "../client-address.ts";
import type { AppEnv } from "../context.ts";
import { readForm } from "../form.ts";
import { isHtmx } from "../render.ts";

export const SESSION_COOKIE = "redriva_session";
/** Anonymous CSRF token (double-submit): login form, and every form when no login is configured. */
export const CSRF_COOKIE = "redriva_csrf";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Paths anyone may reach: the health probe, static files, the login page itself. */
function isPublic(path: string): boolean {
  return path === "/health" || path.startsWith("/public/") || path === "/login" || path === "/favicon.ico";
}

function wantsJson(c: Context<AppEnv>): boolean {
  return c.req.path.startsWith("/api/") || (c.req.header("accept") ?? "").includes("application/json");
}

/** HTTPS as the browser sees it: directly, or behind a trusted TLS proxy. */
export function isSecureRequest(c: Context<AppEnv>, deps: Deps): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  return (
    deps.config.trustProxy && (c.req.header("x-forwarded-proto") ?? "").split(",")[0]?.trim() === "https"
  );
}

export function cookieOptions(c: Context<AppEnv>, deps: Deps, maxAgeSeconds?: number) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "Lax" as const,
    secure: isSecureRequest(c, deps),
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}

/** The anonymous token of this browser, set on first sight. */
function anonymousCsrf(c: Context<AppEnv>, deps: Deps): string {
  const existing = getCookie(c, CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomToken();
  setCookie(c, CSRF_COOKIE, token, cookieOptions(c, deps));
  return token;
}

/**
 * Scripts may send HTTP Basic credentials on GET (never for a state change: no CSRF for Basic).
 * Each try goes through the one credential throttle: a locked-out client gets 429, even with the
 * right password. Returns the user, null (no or wrong credentials) or the wait in ms.
 */
function basicUser(c: Context<AppEnv>, deps: Deps): string | null | { retryAfterMs: number } {
  const header = c.req.header("authorization");
  if (!header?.startsWith("Basic ") || !SAFE_METHODS.has(c.req.method)) return null;
  const { throttle } = deps.webAuth;
  const client = clientAddress(c, deps);
  const wait = throttle.retryAfterMs(client);
  if (wait > 0) return { retryAfterMs: wait };
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const username = colon < 0 ? decoded : decoded.slice(0, colon);
  if (colon >= 0 && checkCredentials(deps, username, decoded.slice(colon + 1))) {
    throttle.succeed(client);
    return username;
  }
  throttle.fail(client);
  deps.log.warn({ client }, "HTTP Basic login failed");
  return null;
}

function tooManyAttempts(c: Context<AppEnv>, retryAfterMs: number) {
  c.header("Retry-After", String(Math.ceil(retryAfterMs / 1000)));
  const message = `Too many failed logins from this address: ${retryAfterText(retryAfterMs)}`;
  if (wantsJson(c)) return c.json({ error: { code: "too_many_attempts", message } }, 429);
  return c.text(message, 429);
}

async function submittedCsrf(c: Context<AppEnv>): Promise<string> {
  const header = c.req.header("x-csrf-token");
  if (header) return header;
  const type = c.req.header("content-type") ?? "";
  if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
    // parseBody caches the body: the route reads it again for free.
    const body = await readForm(c);
    const field = body._csrf;
    return typeof field === "string" ? field : "";
  }
  return "";
}

function deny(c: Context<AppEnv>, status: 401 | 403, message: string) {
  if (wantsJson(c))
    return c.json({ error: { code: status === 401 ? "unauthorized" : "forbidden", message } }, status);
  if (status === 401) {
    const here = c.req.method === "GET" ? new URL(c.req.url).pathname + new URL(c.req.url).search : "/";
    const login = `/login?next=${encodeURIComponent(here)}`;
    if (isHtmx(c)) {
      c.header("HX-Redirect", login);
      return c.body(null, 401);
    }
    if (c.req.method === "GET") return c.redirect(login, 302);
  }
  return c.text(message, status);
}

/**
 * Web UI authentication and CSRF protection, for every route mounted after it (pages, /api/*,
 * /jobs, /repair, /symlinks, /downloads, /metrics...). The qBittorrent API is mounted before it
 * and keeps its own SID session.
 *
 * - Login configured (REDRIVA_USERNAME + REDRIVA_PASSWORD): a session cookie (HttpOnly,
 *   SameSite=Lax, Secure over HTTPS) from /login; without one, pages redirect to /login and JSON
 *   gets 401. Scripts may use HTTP Basic on GET.
 * - No login: Redriva listens on 127.0.0.1 only (the loopback Host rule and the cross-site
 *   refusal of middleware/request-origin.ts cover every route).
 * - Every POST/PUT/PATCH/DELETE carries the CSRF token (X-CSRF-Token header, which htmx sends
 *   from the layout, or a `_csrf` form field), compared in constant time.
 */
export function webAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  const { auth } = deps.config;
  return async (c, next) => {
    let user: string | null = null;
    let csrf = "";
    if (auth.enabled) {
      const token = getCookie(c, SESSION_COOKIE);
      const session = token ? resolveSession(deps, token) : null;
      if (session) {
        user = session.username;
        csrf = session.csrfToken;
      } else {
        const basic = basicUser(c, deps);
        if (basic !== null && typeof basic === "object") return tooManyAttempts(c, basic.retryAfterMs);
        user = basic;
      }
    }
    const path = c.req.path;
    // Pages without a session (the login form) still need a token for their one form.
    if (!csrf && !(user && !SAFE_METHODS.has(c.req.method))) csrf = anonymousCsrf(c, deps);
    c.set("user", user);
    c.set("csrfToken", csrf);

    if (auth.enabled && !user && !isPublic(path)) return deny(c, 401, "Log in first");
    if (!SAFE_METHODS.has(c.req.method)) {
      const sent = await submittedCsrf(c);
      if (!sent || !csrf || !constantTimeEqual(sent, csrf)) {
        return deny(
          c,
          403,
          "The form's security token is missing or out of date: reload the page and try again",
        );
      }
    }
    await next();
  };
}
