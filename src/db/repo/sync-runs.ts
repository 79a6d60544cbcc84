import { and, count, desc, eq, inArray, sql } from "drizzle-orm";
import { syncRunItems, syncRuns } from "../../../schema/library.ts";
import { ownerAlive } from "../../lib/process-owner.ts";
import type { DbHandle } from "../client.ts";

/** Sync runs and their checkpoints (the planned details fetches and their state). */
export type SyncRunRow = typeof syncRuns.$inferSelect;
type RunItemRow = typeof syncRunItems.$inferSelect;

export type RunCounters = Partial<
  Pick<
    SyncRunRow,
    | "list_requests"
    | "detail_requests"
    | "total_requests"
    | "rate_limited"
    | "torrents_seen"
    | "added"
    | "updated"
    | "removed"
    | "details_planned"
    | "details_done"
    | "details_failed"
  >
>;

/**
 * The runs this process is executing (built once per process, in Deps). A row carrying our own
 * pid is only alive if it is one of them: after a container restart the server is often pid 1
 * again, and the crashed row must not block.
 */
type OwnRuns = Set<number>;

function runAlive(own: OwnRuns, row: Pick<SyncRunRow, "id" | "pid">): boolean {
  return ownerAlive(row.pid, () => own.has(row.id));
}

/**
 * Starts a run unless another one is running (in this or another live process). Runs left
 * `running` by a dead process become `interrupted` first. Returns the new run, or the one that
 * blocks it.
 */
export function beginRun(
  dbh: DbHandle,
  own: OwnRuns,
  provider: string,
  mode: SyncRunRow["mode"],
  options: Record<string, unknown>,
  now: number,
): { run: SyncRunRow; blockedBy: null } | { run: null; blockedBy: SyncRunRow } {
  const { sqlite, db } = dbh;
  return sqlite
    .transaction(() => {
      const blockedBy = interruptDeadRuns(dbh, own, now);
      if (blockedBy) return { run: null, blockedBy };
      const run = db
        .insert(syncRuns)
        .values({
          provider,
          mode,
          status: "running",
          options: JSON.stringify(options),
          started_at: now,
          pid: process.pid,
        })
        .returning()
        .get();
      own.add(run.id);
      return { run, blockedBy: null };
    })
    .immediate();
}

/**
 * Inside a write transaction: the live run that blocks a new one, or null after marking the
 * runs of dead processes `interrupted`.
 */
function interruptDeadRuns(dbh: DbHandle, own: OwnRuns, now: number): SyncRunRow | null {
  const { db } = dbh;
  for (const row of db.select().from(syncRuns).where(eq(syncRuns.status, "running")).all()) {
    if (runAlive(own, row)) return row;
    db.update(syncRuns)
      .set({ status: "interrupted", finished_at: sql`COALESCE(${syncRuns.finished_at}, ${now})` })
      .where(eq(syncRuns.id, row.id))
      .run();
  }
  return null;
}

/**
 * `sync resume`: under the same lock as beginRun, takes over the provider's latest run if it was
 * interrupted or failed. Returns the run, the live run that blocks, or neither.
 */
export function claimResumableRun(
  dbh: DbHandle,
  own: OwnRuns,
  provider: string,
  now: number,
): { run: SyncRunRow | null; blockedBy: SyncRunRow | null } {
  const { sqlite, db } = dbh;
  return sqlite
    .transaction(() => {
      const blockedBy = interruptDeadRuns(dbh, own, now);
      if (blockedBy) return { run: null, blockedBy };
      const latest = latestRun(dbh, provider);
      if (!latest || !["interrupted", "failed"].includes(latest.status))
        return { run: null, blockedBy: null };
      const run = db
        .update(syncRuns)
        .set({ status: "running", pid: process.pid, finished_at: null, error: null })
        .where(eq(syncRuns.id, latest.id))
        .returning()
        .get();
      own.add(latest.id);
      // Items that failed get another chance.
      db.update(syncRunItems)
        .set({ state: "pending" })
        .where(and(eq(syncRunItems.run_id, latest.id), eq(syncRunItems.state, "failed")))
        .run();
      return { run: run ?? null, blockedBy: null };
    })
    .immediate();
}

/** The provider's latest run, whatever its state. */
export function latestRun(dbh: DbHandle, provider: string): SyncRunRow | null {
  return (
    dbh.db
      .select()
      .from(syncRuns)
      .where(eq(syncRuns.provider, provider))
      .orderBy(desc(syncRuns.id))
      .limit(1)
      .get() ?? null
  );
}

export function runningSync(dbh: DbHandle, own: OwnRuns): SyncRunRow | null {
  const row = dbh.db.select().from(syncRuns).where(eq(syncRuns.status, "running")).limit(1).get();
  return row && runAlive(own, row) ? row : null;
}

export function updateRun(dbh: DbHandle, id: number, counters: RunCounters): void {
  if (Object.keys(counters).length === 0) return;
  dbh.db.update(syncRuns).set(counters).where(eq(syncRuns.id, id)).run();
}

export function finishRun(
  dbh: DbHandle,
  own: OwnRuns,
  id: number,
  status: Exclude<SyncRunRow["status"], "running">,
  now: number,
  error: string | null,
  summary: Record<string, unknown>,
): void {
  dbh.db
    .update(syncRuns)
    .set({ status, finished_at: now, error, summary: JSON.stringify(summary), pid: null })
    .where(eq(syncRuns.id, id))
    .run();
  own.delete(id);
}

export function recentRuns(dbh: DbHandle, limit = 10): SyncRunRow[] {
  return dbh.db.select().from(syncRuns).orderBy(desc(syncRuns.id)).limit(limit).all();
}

/**
 * Plans a run's detail fetches. Kept on one prepared bun:sqlite statement in a transaction: a
 * full sync of 100,000 torrents plans 100,000 rows, past what one multi-row INSERT may bind.
 */
export function addRunItems(
  dbh: DbHandle,
  runId: number,
  items: Array<{ torrentId: string; reason: RunItemRow["reason"]; priority: number }>,
): void {
  const insert = dbh.sqlite.prepare(
    "INSERT OR IGNORE INTO sync_run_items (run_id, torrent_id, reason, priority) VALUES (?, ?, ?, ?)",
  );
  dbh.sqlite.transaction(() => {
    for (const item of items) insert.run(runId, item.torrentId, item.reason, item.priority);
  })();
}

export function pendingRunItems(
  dbh: DbHandle,
  runId: number,
): Array<Pick<RunItemRow, "torrent_id" | "reason">> {
  return dbh.db
    .select({ torrent_id: syncRunItems.torrent_id, reason: syncRunItems.reason })
    .from(syncRunItems)
    .where(and(eq(syncRunItems.run_id, runId), eq(syncRunItems.state, "pending")))
    .orderBy(syncRunItems.priority, sql`rowid`)
    .all();
}

export function runItemCounts(dbh: DbHandle, runId: number): Record<string, number> {
  const rows = dbh.db
    .select({ state: syncRunItems.state, n: count() })
    .from(syncRunItems)
    .where(eq(syncRunItems.run_id, runId))
    .groupBy(syncRunItems.state)
    .all();
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export function failedRunItems(dbh: DbHandle, runId: number): string[] {
  return dbh.db
    .select({ torrent_id: syncRunItems.torrent_id })
    .from(syncRunItems)
    .where(and(eq(syncRunItems.run_id, runId), inArray(syncRunItems.state, ["failed", "pending"])))
    .all()
    .map((r) => r.torrent_id);
}

export function markRunItem(
  dbh: DbHandle,
  runId: number,
  torrentId: string,
  state: Exclude<RunItemRow["state"], "pending">,
  error: string | null = null,
): void {
  dbh.db
    .update(syncRunItems)
    .set({ state, error, attempts: sql`${syncRunItems.attempts} + 1` })
    .where(and(eq(syncRunItems.run_id, runId), eq(syncRunItems.torrent_id, torrentId)))
    .run();
}

/** Forgets a run that did nothing (the token was refused before anything was fetched). */
export function discardRun(dbh: DbHandle, own: OwnRuns, id: number): void {
  dbh.db.delete(syncRuns).where(eq(syncRuns.id, id)).run();
  own.delete(id);
}
