import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Deps } from "../../deps.ts";
import {
  checkCredentials,
  closeSession,
  openSession,
  SESSION_TTL_MS,
} from "../../services/web-auth/index.ts";
import { retryAfterText } from "../../services/web-auth/throttle.ts";
import { clientAddress } from "../client-address.ts";
import type { App, AppEnv } from "../context.ts";
import { readForm } from "../form.ts";
import { cookieOptions, SESSION_COOKIE } from "../middleware/web-auth.ts";

/** Only a local path may follow a login (never `//evil.example` or `https://...`). */
export function safeNext(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\"))
    return "/";
  if (next.startsWith("/login") || next.startsWith("/logout") || /[\r\n]/.test(next)) return "/";
  return next;
}

function loginPage(
  c: Context<AppEnv>,
  data: { next: string; error?: string; username?: string },
  status = 200,
) {
  const html = c.get("views").render("pages/ui/login", {
    title: "Log in",
    csrfToken: c.get("csrfToken"),
    ...data,
  });
  return c.html(html, status as 200);
}

/** /login, /logout. Without configured credentials there is nothing to log into: both go home. */
export function registerLogin(app: App, deps: Deps): void {
  const { throttle } = deps.webAuth;

  app.get("/login", (c) => {
    const next = safeNext(c.req.query("next"));
    if (!deps.config.auth.enabled || c.get("user")) return c.redirect(next, 302);
    return loginPage(c, { next });
  });

  app.post("/login", async (c) => {
    if (!deps.config.auth.enabled) return c.redirect("/", 303);
    const body = await readForm(c);
    const next = safeNext(body.next);
    const username = typeof body.username === "string" ? body.username.slice(0, 200) : "";
    const password = typeof body.password === "string" ? body.password.slice(0, 1000) : "";
    const client = clientAddress(c, deps);
    const wait = throttle.retryAfterMs(client);
    if (wait > 0) {
      c.header("Retry-After", String(Math.ceil(wait / 1000)));
      return loginPage(
        c,
        { next, username, error: `Too many failed attempts: ${retryAfterText(wait)}.` },
        429,
      );
    }
    if (!checkCredentials(deps, username, password)) {
      throttle.fail(client);
      deps.log.warn({ client }, "web login failed");
      return loginPage(c, { next, username, error: "Wrong username or password." }, 401);
    }
    throttle.succeed(client);
    const { token } = openSession(deps, username);
    setCookie(c, SESSION_COOKIE, token, cookieOptions(c, deps, Math.floor(SESSION_TTL_MS / 1000)));
    deps.log.info({ user: username }, "web login");
    return c.redirect(next, 303);
  });

  app.post("/logout", (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) closeSession(deps, token);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.redirect(deps.config.auth.enabled ? "/login" : "/", 303);
  });
}
