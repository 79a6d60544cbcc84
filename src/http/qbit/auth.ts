import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Deps } from "../../deps.ts";
import type { AppEnv } from "../context.ts";

/**
 * The qBittorrent API's own login: `auth/login` answers `Ok.` with an SID cookie or `Fails.`;
 * any other call without a valid session answers 403 (never 401: an *arr does not retry a 401).
 * An `Authorization: Basic` header with the right pair is accepted as credentials (qBittorrent
 * 5.2 does; Sonarr and Radarr send it on every request). Without REDRIVA_USERNAME/PASSWORD
 * everything is open (Redriva then listens on 127.0.0.1 only).
 */
const SESSION_IDLE_MS = 3_600_000;
const MAX_FAILURES = 5;
const BAN_MS = 3_600_000;

export class QbitSessions {
  private readonly sessions = new Map<string, number>();
  private readonly failures = new Map<string, { count: number; bannedUntil: number }>();

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

  banned(ip: string): boolean {
    const entry = this.failures.get(ip);
    return entry !== undefined && entry.bannedUntil > Date.now();
  }

  failed(ip: string): void {
    const entry = this.failures.get(ip) ?? { count: 0, bannedUntil: 0 };
    entry.count++;
    if (entry.count >= MAX_FAILURES) {
      entry.bannedUntil = Date.now() + BAN_MS;
      entry.count = 0;
      this.deps.log.warn({ ip }, "qBittorrent API: too many failed logins, address banned for an hour");
    }
    this.failures.set(ip, entry);
  }

  succeeded(ip: string): void {
    this.failures.delete(ip);
  }

  /** Basic credentials in the Authorization header, when they are right. */
  basicAuthorized(header: string | undefined): boolean {
    if (!header || !/^basic /i.test(header)) return false;
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return false;
    return (
      this.deps.config.auth.enabled &&
      this.credentialsMatch(decoded.slice(0, colon), decoded.slice(colon + 1))
    );
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function clientIp(c: Context<AppEnv>): string {
  const server =
    (c.env as { requestIP?: (r: Request) => { address: string } | null } | undefined) ?? undefined;
  try {
    return server?.requestIP?.(c.req.raw)?.address ?? "local";
  } catch {
    return "local";
  }
}

/** 403 "Forbidden" unless the request has a session (or Basic credentials, or auth is off). */
export function requireSession(sessions: QbitSessions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (
      sessions.open ||
      sessions.touch(getCookie(c, "SID")) ||
      sessions.basicAuthorized(c.req.header("authorization"))
    ) {
      await next();
      return;
    }
    return c.text("Forbidden", 403);
  };
}
