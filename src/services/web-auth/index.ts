import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { getSetting, setSetting } from "../../db/repo/settings.ts";
import {
  deleteAllSessions,
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

/**
 * What the database keeps of a session token: an HMAC under the key derived from the configured
 * credentials (deps.webAuth.sessionKey). After a change of username or password no stored row
 * matches any cookie: every session has ended.
 */
function tokenHash(deps: Deps, token: string): string {
  return createHmac("sha256", deps.webAuth.sessionKey).update(token).digest("hex");
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

const CREDENTIALS_CHECK_KEY = "web.credentialsCheck";

/**
 * Once per process, before any session is used: when the configured credentials differ from those
 * the stored sessions were made under, delete them all. (Their HMAC already no longer matches; this
 * also keeps them from coming back if the old password is ever configured again.)
 */
function endSessionsOfOtherCredentials(deps: Deps): void {
  if (deps.webAuth.sessionsChecked) return;
  const check = createHmac("sha256", deps.webAuth.sessionKey).update("credentials-check").digest("hex");
  if (getSetting<string>(deps.dbh.db, CREDENTIALS_CHECK_KEY) !== check) {
    const ended = deleteAllSessions(deps.dbh);
    if (ended > 0) deps.log.info({ ended }, "credentials changed: every web session ended");
    setSetting(deps.dbh.db, CREDENTIALS_CHECK_KEY, check, deps.clock.now());
  }
  deps.webAuth.sessionsChecked = true;
}

export interface Session {
  username: string;
  csrfToken: string;
}

/** A new session; returns the raw cookie token (stored only as its hash). */
export function openSession(deps: Deps, username: string): { token: string; session: Session } {
  endSessionsOfOtherCredentials(deps);
  const now = deps.clock.now();
  // Logins are rare: a good moment to forget expired sessions and those of an old username.
  deleteStaleSessions(deps.dbh, now, deps.config.auth.username ?? null);
  const token = randomToken();
  const csrfToken = randomToken();
  insertSession(deps.dbh, {
    token_hash: tokenHash(deps, token),
    username,
    csrf_token: csrfToken,
    created_at: now,
    last_seen_at: now,
    expires_at: now + SESSION_TTL_MS,
  });
  return { token, session: { username, csrfToken } };
}

/** The session of a cookie token, extending it on use; null when unknown, expired, or made under other credentials. */
export function resolveSession(deps: Deps, token: string): Session | null {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  endSessionsOfOtherCredentials(deps);
  const now = deps.clock.now();
  const hash = tokenHash(deps, token);
  const row = findSession(deps.dbh, hash, now);
  if (!row || row.username !== deps.config.auth.username) return null;
  if (now - row.last_seen_at > TOUCH_EVERY_MS) touchSession(deps.dbh, hash, now, now + SESSION_TTL_MS);
  return { username: row.username, csrfToken: row.csrf_token };
}

export function closeSession(deps: Deps, token: string): void {
  deleteSession(deps.dbh, tokenHash(deps, token));
}
