import type { webSessions } from "../../../schema/ui.ts";
import type { DbHandle } from "../client.ts";

/**
 * Login sessions of the web UI (schema/ui.ts). Tokens arrive hashed; nothing here sees a raw one.
 * Raw bun:sqlite statements on purpose: findSession runs on every request, and `sqlite.query()`
 * reuses its compiled statement while drizzle prepares one per call (measured: `bun run bench web`).
 */

export type WebSessionRow = typeof webSessions.$inferSelect;

export function insertSession(dbh: DbHandle, row: WebSessionRow): void {
  dbh.sqlite
    .query(
      `INSERT INTO web_sessions (token_hash, username, csrf_token, created_at, last_seen_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(row.token_hash, row.username, row.csrf_token, row.created_at, row.last_seen_at, row.expires_at);
}

/** The live session with this token hash, or null (unknown or expired). */
export function findSession(dbh: DbHandle, tokenHash: string, now: number): WebSessionRow | null {
  return dbh.sqlite
    .query<WebSessionRow, [string, number]>(
      "SELECT * FROM web_sessions WHERE token_hash = ? AND expires_at > ?",
    )
    .get(tokenHash, now);
}

export function touchSession(dbh: DbHandle, tokenHash: string, now: number, expiresAt: number): void {
  dbh.sqlite
    .query("UPDATE web_sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?")
    .run(now, expiresAt, tokenHash);
}

export function deleteSession(dbh: DbHandle, tokenHash: string): void {
  dbh.sqlite.query("DELETE FROM web_sessions WHERE token_hash = ?").run(tokenHash);
}

/** Sessions of a user that no longer exists (credentials changed) or past their expiry. */
export function deleteStaleSessions(dbh: DbHandle, now: number, currentUser: string | null): number {
  const result = dbh.sqlite
    .query("DELETE FROM web_sessions WHERE expires_at <= ? OR username IS NOT ?")
    .run(now, currentUser);
  return result.changes;
}

/** Every session (the credentials changed: none of them may live on). */
export function deleteAllSessions(dbh: DbHandle): number {
  return dbh.sqlite.query("DELETE FROM web_sessions").run().changes;
}
