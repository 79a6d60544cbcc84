import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Deps } from "../../deps.ts";
import { retryAfterText } from "../../services/web-auth/throttle.ts";
import { clientAddress } from "../client-address.ts";
import type { AppEnv } from "../context.ts";

/**
 * The qBittorrent API's own login: `auth/login` answers `Ok.` with an SID cookie or `Fails.`;
 * any other call without a valid session answers 403 (never 401: an *arr does not retry a 401).
 * An `Authorization: Basic` header with the right pair is accepted as credentials (qBittorrent
 * 5.2 does; Sonarr and Radarr send it on every request). Without REDRIVA_USERNAME/PASSWORD
 * everything is open (Redriva then listens on 127.0.0.1 only). Wrong credentials, by either way,
 * count in the one credential throttle shared with the web login (deps.webAuth.throttle).
 */
const SESSION_IDLE_MS = 3_600_000;

export class QbitSessions {
  private readonly sessions = new Map<string, number>();

  constructor(private readonly deps: Deps) {}

  get open(): boolean {
    return !this.deps.config.auth.enabled;
  }

  credentialsMatch(username: string, password: string): boolean {
    const { auth } = this.deps.config;
    if (!auth.enabled) return true;
    return same(username, auth.username ?? "") && same(password, auth.password ?? "");
  }

  create(): string {
    if (this.sessions.size > 1000) {
      const now = Date.now();
      for (const [sid, last] of this.sessions) if (now - last > SESSION_IDLE_MS) this.sessions.delete(sid);
    }
    const sid = randomBytes(24).toString("base64url").slice(0, 32);
    this.sessions.set(sid, Date.now());
    return sid;
  }

  /** True (and refreshed) when `sid` is a live session. */
  touch(sid: string | undefined): boolean {
    if (!sid) return false;
    const last = this.sessions.get(sid);
    if (last === undefined) return false;
    if (Date.now() - last > SESSION_IDLE_MS) {
      this.sessions.delete(sid);
      return false;
    }
    this.sessions.set(sid, Date.now());
    return true;
  }

  end(sid: string | undefined): void {
    if (sid) this.sessions.delete(sid);
  }

  /** Basic credentials in the Authorization header: absent, right or wrong. */
  basicCredentials(header: string | undefined): "none" | "right" | "wrong" {
    if (!this.deps.config.auth.enabled || !header || !/^basic /i.test(header)) return "none";
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return "wrong";
    return this.credentialsMatch(decoded.slice(0, colon), decoded.slice(colon + 1)) ? "right" : "wrong";
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** qBittorrent's words for a locked-out address, with 429 and Retry-After. */
export function bannedAnswer(c: Context<AppEnv>, retryAfterMs: number): Response {
  c.header("Retry-After", String(Math.ceil(retryAfterMs / 1000)));
  return c.text(
    `Your IP address has been banned after too many failed authentication attempts: ${retryAfterText(retryAfterMs)}.`,
    429,
  );
}

/**
 * 403 "Forbidden" unless the request has a session, right Basic credentials, or auth is off.
 * A Basic header is only weighed without a live session, and goes through the throttle.
 */
export function requireSession(sessions: QbitSessions, deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (sessions.open || sessions.touch(getCookie(c, "SID"))) return next();
    const basic = sessions.basicCredentials(c.req.header("authorization"));
    if (basic !== "none") {
      const { throttle } = deps.webAuth;
      const client = clientAddress(c, deps);
      const wait = throttle.retryAfterMs(client);
      if (wait > 0) return bannedAnswer(c, wait);
      if (basic === "right") {
        throttle.succeed(client);
        return next();
      }
      throttle.fail(client);
      deps.log.warn({ client }, "qBittorrent API: wrong Basic credentials");
    }
    return c.text("Forbidden", 403);
  };
}
