import { and, desc, eq, inArray, lt, or } from "drizzle-orm";
import { repairAttempts, repairTorrentRenames } from "../../../schema/repair.ts";
import type { Db } from "../client.ts";

/** Repair attempts and the torrent ids re-injections replaced (schema/repair.ts). */

export type AttemptRow = typeof repairAttempts.$inferSelect;

export type AttemptInput = Omit<typeof repairAttempts.$inferInsert, "id" | "detail" | "provider"> & {
  /** Whose torrent (required: ids are only unique per provider). */
  provider: string;
  detail?: Record<string, unknown>;
};

export function insertAttempt(db: Db, attempt: AttemptInput): number {
  return db
    .insert(repairAttempts)
    .values({ ...attempt, detail: JSON.stringify(attempt.detail ?? {}) })
    .returning({ id: repairAttempts.id })
    .get().id;
}

export function attemptsForCandidate(db: Db, candidateId: number): AttemptRow[] {
  return db
    .select()
    .from(repairAttempts)
    .where(eq(repairAttempts.candidate_id, candidateId))
    .orderBy(desc(repairAttempts.started_at), desc(repairAttempts.id))
    .all();
}

/** Every id this provider's torrent had before re-injections replaced it (oldest last), itself included. */
export function torrentIdHistory(db: Db, provider: string, torrentId: string): string[] {
  const ids = [torrentId];
  for (let i = 0; i < ids.length && ids.length < 50; i++) {
    const older = db
      .select({ id: repairTorrentRenames.old_id })
      .from(repairTorrentRenames)
      .where(
        and(eq(repairTorrentRenames.provider, provider), eq(repairTorrentRenames.new_id, ids[i] as string)),
      )
      .all();
    for (const o of older) if (!ids.includes(o.id)) ids.push(o.id);
  }
  return ids;
}

/** Attempts about a provider's torrent under its current id or any id it had before (detail page). */
export function attemptsForTorrent(db: Db, provider: string, torrentId: string, limit = 100): AttemptRow[] {
  const ids = torrentIdHistory(db, provider, torrentId);
  return db
    .select()
    .from(repairAttempts)
    .where(
      and(
        eq(repairAttempts.provider, provider),
        or(inArray(repairAttempts.torrent_id, ids), inArray(repairAttempts.new_torrent_id, ids)),
      ),
    )
    .orderBy(desc(repairAttempts.started_at), desc(repairAttempts.id))
    .limit(limit)
    .all();
}

export function recentAttempts(db: Db, limit = 50): AttemptRow[] {
  return db
    .select()
    .from(repairAttempts)
    .orderBy(desc(repairAttempts.started_at), desc(repairAttempts.id))
    .limit(limit)
    .all();
}

/** The providers whose attempts name this torrent id (current or new id). */
export function attemptProvidersOf(db: Db, torrentId: string): string[] {
  return db
    .selectDistinct({ provider: repairAttempts.provider })
    .from(repairAttempts)
    .where(or(eq(repairAttempts.torrent_id, torrentId), eq(repairAttempts.new_torrent_id, torrentId)))
    .all()
    .map((r) => r.provider);
}

/** Retention (ATTEMPTS_RETENTION_DAYS): deletes attempts older than `cutoff`. */
export function deleteAttemptsBefore(db: Db, cutoff: number): number {
  return (
    db.delete(repairAttempts).where(lt(repairAttempts.started_at, cutoff)).run() as unknown as {
      changes: number;
    }
  ).changes;
}

export function recordRename(db: Db, oldId: string, newId: string, provider: string, now: number): void {
  db.insert(repairTorrentRenames)
    .values({ old_id: oldId, new_id: newId, provider, renamed_at: now })
    .onConflictDoUpdate({
      target: [repairTorrentRenames.provider, repairTorrentRenames.old_id],
      set: { new_id: newId, renamed_at: now },
    })
    .run();
}
