import { and, asc, desc, eq, inArray, lt, lte, or, sql } from "drizzle-orm";
import { CANDIDATE_STATES, repairCandidates } from "../../../schema/repair.ts";
import type { Db } from "../client.ts";
import { sqliteOf } from "../raw-table.ts";
import { type AttemptInput, insertAttempt } from "./repair-attempts.ts";

/** Repair candidates and the retry queue (schema/repair.ts). Attempts: repair-attempts.ts. */

/** Re-exported for the pages that show attempts beside candidates. */
export type { AttemptRow } from "./repair-attempts.ts";

export type CandidateRow = typeof repairCandidates.$inferSelect;

export { CANDIDATE_STATES };
export type CandidateState = CandidateRow["state"];

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

const namesTorrent = (torrentId: string) =>
  or(eq(repairCandidates.torrent_id, torrentId), eq(repairCandidates.new_torrent_id, torrentId));

/** A provider's candidate of a torrent id: the one found under it, or the one whose re-add produced it. */
export function candidateForTorrent(db: Db, provider: string, torrentId: string): CandidateRow | undefined {
  return db
    .select()
    .from(repairCandidates)
    .where(and(eq(repairCandidates.provider, provider), namesTorrent(torrentId)))
    .orderBy(desc(repairCandidates.updated_at))
    .get();
}

/** The providers with a candidate found under, or re-added as, this torrent id. */
export function candidateProvidersOf(db: Db, torrentId: string): string[] {
  return db
    .selectDistinct({ provider: repairCandidates.provider })
    .from(repairCandidates)
    .where(namesTorrent(torrentId))
    .all()
    .map((r) => r.provider);
}

export function listCandidates(
  db: Db,
  options: { states?: readonly CandidateState[]; limit?: number; offset?: number } = {},
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

/**
 * The end of one attempt: the candidate's next state and the attempt row, in one transaction
 * (a crash between the two would leave a candidate moved on without its attempt). Returns the
 * attempt's id.
 */
export function recordAttempt(
  db: Db,
  record: { candidateId: number; patch: CandidatePatch; attempt: AttemptInput },
  now: number,
): number {
  return sqliteOf(db).transaction(() => {
    updateCandidate(db, record.candidateId, record.patch, now);
    return insertAttempt(db, record.attempt);
  })();
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
