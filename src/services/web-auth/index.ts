import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import {
  deleteSession,
  deleteStaleSessions,
  findSession,
  insertSession,
  touchSession,
} from "../../db/repo/web-sessions.ts";
import type { Deps } from "../../deps.ts";

/** How long a login lasts without a visit; each visit (at most hourly) extends it. */
export const SESSION_TTL_MS = 30 * 86_400_000;
const TOUCH_EVERY_MS = 3_600_000;

export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Equal strings in time that does not depend on where they differ (or on their lengths). */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

/** Both compared every time, so a wrong username costs the same as a wrong password. */
export function checkCredentials(deps: Deps, username: string, password: string): boolean {
  const { auth } = deps.config;
  if (!auth.enabled || !auth.username || !auth.password) return false;
  const userOk = constantTimeEqual(username, auth.username);
  const passOk = constantTimeEqual(password, auth.password);
  return userOk && passOk;
}

export interface Session {
  username: string;
  csrfToken: string;
}

/** A new session; returns the raw cookie token (stored only as its hash). */
export function openSession(deps: Deps, username: string): { token: string; session: Session } {
  const now = deps.clock.now();
  // Logins are rare: a good moment to forget expired sessions and those of an old username.
  deleteStaleSessions(deps.dbh, now, deps.config.auth.username ?? null);
  const token = randomToken();
  const csrfToken = randomToken();
  insertSession(deps.dbh, {
    token_hash: hashToken(token),
    username,
    csrf_token: csrfToken,
    created_at: now,
    last_seen_at: now,
    expires_at: now + SESSION_TTL_MS,
  });
  return { token, session: { username, csrfToken } };
}

/** The session of a cookie token, extending it on use; null when unknown, expired or for another user. */
export function resolveSession(deps: Deps, token: string): Session | null {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const now = deps.clock.now();
  const hash = hashToken(token);
  const row = findSession(deps.dbh, hash, now);
  if (!row || row.username !== deps.config.auth.username) return null;
  if (now - row.last_seen_at > TOUCH_EVERY_MS) touchSession(deps.dbh, hash, now, now + SESSION_TTL_MS);
  return { username: row.username, csrfToken: row.csrf_token };
}

export function closeSession(deps: Deps, token: string): void {
  deleteSession(deps.dbh, hashToken(token));
}

/**
 * Failed logins per client: after MAX_FAILURES within the window, further attempts are refused
 * until it passes (slows password guessing; a success clears the count).
 */
export class LoginThrottle {
  static readonly MAX_FAILURES = 10;
  static readonly WINDOW_MS = 15 * 60_000;
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  retryAfterMs(client: string): number {
    const recent = this.recent(client);
    if (recent.length < LoginThrottle.MAX_FAILURES) return 0;
    return (recent[0] as number) + LoginThrottle.WINDOW_MS - this.now();
  }

  fail(client: string): void {
    const recent = this.recent(client);
    recent.push(this.now());
    this.failures.set(client, recent);
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value as string);
  }

  succeed(client: string): void {
    this.failures.delete(client);
  }

  private recent(client: string): number[] {
    const cutoff = this.now() - LoginThrottle.WINDOW_MS;
    return (this.failures.get(client) ?? []).filter((t) => t > cutoff);
  }
}
