import { and, eq, gt, isNotNull, lte, ne, or } from "drizzle-orm";
import { webSessions } from "../../../schema/ui.ts";
import type { DbHandle } from "../client.ts";

/** Login sessions of the web UI (schema/ui.ts). Tokens arrive hashed; nothing here sees a raw one. */

export type WebSessionRow = typeof webSessions.$inferSelect;

export function insertSession(dbh: DbHandle, row: WebSessionRow): void {
  dbh.db.insert(webSessions).values(row).run();
}

/** The live session with this token hash, or null (unknown or expired). */
export function findSession(dbh: DbHandle, tokenHash: string, now: number): WebSessionRow | null {
  return (
    dbh.db
      .select()
      .from(webSessions)
      .where(and(eq(webSessions.token_hash, tokenHash), gt(webSessions.expires_at, now)))
      .get() ?? null
  );
}

export function touchSession(dbh: DbHandle, tokenHash: string, now: number, expiresAt: number): void {
  dbh.db
    .update(webSessions)
    .set({ last_seen_at: now, expires_at: expiresAt })
    .where(eq(webSessions.token_hash, tokenHash))
    .run();
}

export function deleteSession(dbh: DbHandle, tokenHash: string): void {
  dbh.db.delete(webSessions).where(eq(webSessions.token_hash, tokenHash)).run();
}

/** Sessions of a user that no longer exists (credentials changed) or past their expiry. */
export function deleteStaleSessions(dbh: DbHandle, now: number, currentUser: string | null): number {
  const otherUser =
    currentUser === null ? isNotNull(webSessions.username) : ne(webSessions.username, currentUser);
  return dbh.db
    .delete(webSessions)
    .where(or(lte(webSessions.expires_at, now), otherUser))
    .returning({ token: webSessions.token_hash })
    .all().length;
}

/** Every session (the credentials changed: none of them may live on). */
export function deleteAllSessions(dbh: DbHandle): number {
  return dbh.db.delete(webSessions).returning({ token: webSessions.token_hash }).all().length;
}
