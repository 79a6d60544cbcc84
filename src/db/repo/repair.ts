import { and, asc, desc, eq, inArray, lt, lte, or, sql } from "drizzle-orm";
import {
  repairAttempts,
  repairCandidates,
  repairLinkChecks,
  repairScans,
  repairTorrentRenames,
} from "../../../schema/repair.ts";
import type { Db } from "../client.ts";

/** Repair candidates, attempts, the retry queue, scans and link checks (schema/repair.ts). */

export type CandidateRow = typeof repairCandidates.$inferSelect;
export type AttemptRow = typeof repairAttempts.$inferSelect;
export type ScanRow = typeof repairScans.$inferSelect;

export const CANDIDATE_STATES = [
  "pending",
  "retry",
  "running",
  "repaired",
  "failed",
  "skipped",
  "dismissed",
] as const;
export type CandidateState = (typeof CANDIDATE_STATES)[number];

/** States a scan must not reopen: the work is done, or the user said no. */
const SETTLED: readonly string[] = ["repaired", "failed", "dismissed", "running"];

export interface CandidateInput {
  provider: string;
  torrentId: string;
  hash: string | null;
  filename: string;
  reason: string;
  statusSeen: string | null;
  detail: Record<string, unknown>;
  priority: number;
}

/**
 * Records a candidate found by a scan. A known one keeps its state and history (a pending or
 * queued one gets the fresh reason); a `skipped` one is reopened; settled ones are only marked seen.
 */
export function upsertCandidate(
  db: Db,
  input: CandidateInput,
  now: number,
): { id: number; created: boolean } {
  return db.transaction((tx) => {
    const existing = tx
      .select()
      .from(repairCandidates)
      .where(
        and(eq(repairCandidates.provider, input.provider), eq(repairCandidates.torrent_id, input.torrentId)),
      )
      .get();
    if (!existing) {
      const row = tx
        .insert(repairCandidates)
        .values({
          provider: input.provider,
          torrent_id: input.torrentId,
          hash: input.hash,
          filename: input.filename,
          reason: input.reason,
          status_seen: input.statusSeen,
          detail: JSON.stringify(input.detail),
          priority: input.priority,
          state: "pending",
          found_at: now,
          seen_at: now,
          updated_at: now,
        })
        .returning({ id: repairCandidates.id })
        .get();
      return { id: row.id, created: true };
    }
    if (SETTLED.includes(existing.state)) {
      tx.update(repairCandidates).set({ seen_at: now }).where(eq(repairCandidates.id, existing.id)).run();
      return { id: existing.id, created: false };
    }
    // One candidate per torrent: the more urgent reason wins, the details of both are kept
    // (a dead torrent found by its broken symlinks keeps the list of those links).
    const keepReason = existing.state !== "skipped" && existing.priority < input.priority;
    let previous: Record<string, unknown> = {};
    try {
      previous = JSON.parse(existing.detail) as Record<string, unknown>;
    } catch {
      previous = {};
    }
    tx.update(repairCandidates)
      .set({
        hash: input.hash ?? existing.hash,
        filename: input.filename || existing.filename,
        reason: keepReason ? existing.reason : input.reason,
        status_seen: input.statusSeen,
        detail: JSON.stringify({ ...previous, ...input.detail }),
        priority: keepReason ? existing.priority : input.priority,
        seen_at: now,
        updated_at: now,
        ...(existing.state === "skipped" ? { state: "pending", resolved_at: null } : {}),
      })
      .where(eq(repairCandidates.id, existing.id))
      .run();
    return { id: existing.id, created: false };
  });
}

export function getCandidate(db: Db, id: number): CandidateRow | undefined {
  return db.select().from(repairCandidates).where(eq(repairCandidates.id, id)).get();
}

export function getCandidateByTorrent(db: Db, provider: string, torrentId: string): CandidateRow | undefined {
  return db
    .select()
    .from(repairCandidates)
    .where(and(eq(repairCandidates.provider, provider), eq(repairCandidates.torrent_id, torrentId)))
    .get();
}

/** The candidate of a torrent id: the one found under it, or the one whose re-add produced it. */
export function candidateForTorrent(db: Db, torrentId: string): CandidateRow | undefined {
  return db
    .select()
    .from(repairCandidates)
    .where(or(eq(repairCandidates.torrent_id, torrentId), eq(repairCandidates.new_torrent_id, torrentId)))
    .orderBy(desc(repairCandidates.updated_at))
    .get();
}

export function listCandidates(
  db: Db,
  options: { states?: readonly string[]; limit?: number; offset?: number } = {},
): CandidateRow[] {
  const query = db
    .select()
    .from(repairCandidates)
    .where(options.states ? inArray(repairCandidates.state, [...options.states]) : undefined)
    .orderBy(asc(repairCandidates.priority), desc(repairCandidates.found_at))
    .limit(options.limit ?? 200)
    .offset(options.offset ?? 0);
  return query.all();
}

export function countCandidatesByState(db: Db): Record<string, number> {
  const rows = db
    .select({ state: repairCandidates.state, n: sql<number>`count(*)` })
    .from(repairCandidates)
    .groupBy(repairCandidates.state)
    .all();
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

/** The retry queue: queued candidates, soonest first. */
export function retryQueue(db: Db, limit = 500): CandidateRow[] {
  return db
    .select()
    .from(repairCandidates)
    .where(eq(repairCandidates.state, "retry"))
    .orderBy(asc(repairCandidates.due_at))
    .limit(limit)
    .all();
}

/**
 * What a run should handle next: due retries first (they have waited), then pending ones by
 * priority and age. `retriesOnly` is the repair-retry job.
 */
export function nextCandidates(
  db: Db,
  options: { now: number; limit: number; retriesOnly?: boolean },
): CandidateRow[] {
  const due = db
    .select()
    .from(repairCandidates)
    .where(and(eq(repairCandidates.state, "retry"), lte(repairCandidates.due_at, options.now)))
    .orderBy(asc(repairCandidates.due_at))
    .limit(options.limit)
    .all();
  if (options.retriesOnly || due.length >= options.limit) return due;
  const pending = db
    .select()
    .from(repairCandidates)
    .where(eq(repairCandidates.state, "pending"))
    .orderBy(asc(repairCandidates.priority), asc(repairCandidates.found_at), asc(repairCandidates.id))
    .limit(options.limit - due.length)
    .all();
  return [...due, ...pending];
}

/** Takes a candidate for an attempt; false when another run already holds or settled it. */
export function claimCandidate(db: Db, id: number, now: number): boolean {
  const result = db
    .update(repairCandidates)
    .set({ state: "running", updated_at: now })
    .where(and(eq(repairCandidates.id, id), inArray(repairCandidates.state, ["pending", "retry", "skipped"])))
    .run() as unknown as { changes: number };
  return result.changes === 1;
}

/** A crash leaves candidates `running`: give them back after `staleMs`. Returns how many. */
export function releaseStaleRunning(db: Db, now: number, staleMs: number): number {
  const result = db
    .update(repairCandidates)
    .set({
      state: sql`CASE WHEN ${repairCandidates.attempts} > 0 THEN 'retry' ELSE 'pending' END`,
      due_at: now,
    })
    .where(and(eq(repairCandidates.state, "running"), lt(repairCandidates.updated_at, now - staleMs)))
    .run() as unknown as { changes: number };
  return result.changes;
}

export interface CandidatePatch {
  state: CandidateState;
  attempts?: number;
  dueAt?: number | null;
  failure?: string | null;
  lastError?: string | null;
  newTorrentId?: string | null;
  resolved?: boolean;
}

export function updateCandidate(db: Db, id: number, patch: CandidatePatch, now: number): void {
  db.update(repairCandidates)
    .set({
      state: patch.state,
      ...(patch.attempts !== undefined ? { attempts: patch.attempts } : {}),
      ...(patch.dueAt !== undefined ? { due_at: patch.dueAt } : {}),
      ...(patch.failure !== undefined ? { failure: patch.failure } : {}),
      ...(patch.lastError !== undefined ? { last_error: patch.lastError } : {}),
      ...(patch.newTorrentId !== undefined ? { new_torrent_id: patch.newTorrentId } : {}),
      resolved_at: patch.resolved ? now : null,
      updated_at: now,
    })
    .where(eq(repairCandidates.id, id))
    .run();
}

export type AttemptInput = Omit<typeof repairAttempts.$inferInsert, "id" | "detail"> & {
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

/** Every id this torrent had before re-injections replaced it (oldest last), itself included. */
export function torrentIdHistory(db: Db, torrentId: string): string[] {
  const ids = [torrentId];
  for (let i = 0; i < ids.length && ids.length < 50; i++) {
    const older = db
      .select({ id: repairTorrentRenames.old_id })
      .from(repairTorrentRenames)
      .where(eq(repairTorrentRenames.new_id, ids[i] as string))
      .all();
    for (const o of older) if (!ids.includes(o.id)) ids.push(o.id);
  }
  return ids;
}

/** Attempts about a torrent under its current id or any id it had before (torrent detail page). */
export function attemptsForTorrent(db: Db, torrentId: string, limit = 100): AttemptRow[] {
  const ids = torrentIdHistory(db, torrentId);
  return db
    .select()
    .from(repairAttempts)
    .where(or(inArray(repairAttempts.torrent_id, ids), inArray(repairAttempts.new_torrent_id, ids)))
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
    .onConflictDoUpdate({ target: repairTorrentRenames.old_id, set: { new_id: newId, renamed_at: now } })
    .run();
}

/** Last link check per torrent id (full scans test the least recently checked first). */
export function linkCheckTimes(db: Db, provider: string): Map<string, number> {
  const rows = db
    .select({ id: repairLinkChecks.torrent_id, at: repairLinkChecks.checked_at })
    .from(repairLinkChecks)
    .where(eq(repairLinkChecks.provider, provider))
    .all();
  return new Map(rows.map((r) => [r.id, r.at]));
}

export function recordLinkCheck(
  db: Db,
  check: { torrentId: string; provider: string; ok: boolean; error: string | null },
  now: number,
): void {
  const values = { checked_at: now, ok: check.ok ? 1 : 0, error: check.error };
  db.insert(repairLinkChecks)
    .values({ torrent_id: check.torrentId, provider: check.provider, ...values })
    .onConflictDoUpdate({ target: repairLinkChecks.torrent_id, set: values })
    .run();
}

export function startScan(db: Db, mode: string, now: number): number {
  return db
    .insert(repairScans)
    .values({ mode, started_at: now, status: "running" })
    .returning({ id: repairScans.id })
    .get().id;
}

export function finishScan(
  db: Db,
  id: number,
  result: Pick<
    ScanRow,
    "status" | "torrents_listed" | "checked" | "found" | "new_candidates" | "requests" | "error"
  >,
  now: number,
): void {
  db.update(repairScans)
    .set({ ...result, finished_at: now })
    .where(eq(repairScans.id, id))
    .run();
}

export function recentScans(db: Db, limit = 10): ScanRow[] {
  return db.select().from(repairScans).orderBy(desc(repairScans.started_at)).limit(limit).all();
}

/**
 * After a complete list walk: open candidates found from the list (`reasons`) whose torrent is
 * no longer failing are closed as skipped. Returns how many.
 */
export function closeNoLongerFailing(
  db: Db,
  provider: string,
  reasons: readonly string[],
  stillFailing: readonly string[],
  now: number,
): number {
  const result = db
    .update(repairCandidates)
    .set({
      state: "skipped",
      last_error: "no longer failing at the provider",
      resolved_at: now,
      updated_at: now,
    })
    .where(
      and(
        eq(repairCandidates.provider, provider),
        inArray(repairCandidates.state, ["pending", "retry"]),
        inArray(repairCandidates.reason, [...reasons]),
        // json_each: the failing list can be long (no bound-variable limit).
        sql`${repairCandidates.torrent_id} NOT IN (SELECT value FROM json_each(${JSON.stringify(stillFailing)}))`,
      ),
    )
    .run() as unknown as { changes: number };
  return result.changes;
}

/** The user chose to ignore a candidate (not while an attempt runs). */
export function dismissCandidate(db: Db, id: number, now: number): boolean {
  const result = db
    .update(repairCandidates)
    .set({ state: "dismissed", due_at: null, resolved_at: now, updated_at: now })
    .where(
      and(
        eq(repairCandidates.id, id),
        inArray(repairCandidates.state, ["pending", "retry", "failed", "skipped"]),
      ),
    )
    .run() as unknown as { changes: number };
  return result.changes === 1;
}
