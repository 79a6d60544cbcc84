import type { syncRunItems, syncRuns } from "../../../schema/library.ts";
import { ownerAlive } from "../../lib/process-owner.ts";
import type { DbHandle } from "../client.ts";

/**
 * Sync runs and their checkpoints (the planned details fetches and their state). Raw bun:sqlite
 * statements on purpose: the dashboard and every sync page read runningSync/recentRuns per
 * request, and `sqlite.query()` reuses compiled statements where drizzle prepares one per call
 * (measured: the dashboard took 3× longer in `bun run bench web` through drizzle).
 */
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
  const { sqlite } = dbh;
  return sqlite
    .transaction(() => {
      const running = sqlite.query<SyncRunRow, []>("SELECT * FROM sync_runs WHERE status = 'running'").all();
      for (const row of running) {
        if (runAlive(own, row)) return { run: null, blockedBy: row };
        sqlite
          .query(
            "UPDATE sync_runs SET status = 'interrupted', finished_at = COALESCE(finished_at, ?) WHERE id = ?",
          )
          .run(now, row.id);
      }
      const run = sqlite
        .query<SyncRunRow, [string, string, string, number, number]>(
          `INSERT INTO sync_runs (provider, mode, status, options, started_at, pid)
           VALUES (?, ?, 'running', ?, ?, ?) RETURNING *`,
        )
        .get(provider, mode, JSON.stringify(options), now, process.pid) as SyncRunRow;
      own.add(run.id);
      return { run, blockedBy: null };
    })
    .immediate();
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
  const { sqlite } = dbh;
  return sqlite
    .transaction(() => {
      for (const row of sqlite
        .query<SyncRunRow, []>("SELECT * FROM sync_runs WHERE status = 'running'")
        .all()) {
        if (runAlive(own, row)) return { run: null, blockedBy: row };
        sqlite
          .query("UPDATE sync_runs SET status = 'interrupted', finished_at = ? WHERE id = ?")
          .run(now, row.id);
      }
      const latest = latestRun(dbh, provider);
      if (!latest || !["interrupted", "failed"].includes(latest.status))
        return { run: null, blockedBy: null };
      sqlite
        .query(
          "UPDATE sync_runs SET status = 'running', pid = ?, finished_at = NULL, error = NULL WHERE id = ?",
        )
        .run(process.pid, latest.id);
      own.add(latest.id);
      // Items that failed get another chance.
      sqlite
        .query("UPDATE sync_run_items SET state = 'pending' WHERE run_id = ? AND state = 'failed'")
        .run(latest.id);
      return {
        run: sqlite.query<SyncRunRow, [number]>("SELECT * FROM sync_runs WHERE id = ?").get(latest.id),
        blockedBy: null,
      };
    })
    .immediate();
}

/** The provider's latest run, whatever its state. */
export function latestRun(dbh: DbHandle, provider: string): SyncRunRow | null {
  return dbh.sqlite
    .query<SyncRunRow, [string]>("SELECT * FROM sync_runs WHERE provider = ? ORDER BY id DESC LIMIT 1")
    .get(provider);
}

export function runningSync(dbh: DbHandle, own: OwnRuns): SyncRunRow | null {
  const row = dbh.sqlite
    .query<SyncRunRow, []>("SELECT * FROM sync_runs WHERE status = 'running' LIMIT 1")
    .get();
  return row && runAlive(own, row) ? row : null;
}

export function updateRun(dbh: DbHandle, id: number, counters: RunCounters): void {
  const keys = Object.keys(counters) as Array<keyof RunCounters>;
  if (keys.length === 0) return;
  const sets = keys.map((k) => `${k} = $${k}`).join(", ");
  const params: Record<string, number> = { $id: id };
  for (const k of keys) params[`$${k}`] = counters[k] as number;
  dbh.sqlite.query(`UPDATE sync_runs SET ${sets} WHERE id = $id`).run(params);
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
  dbh.sqlite
    .query(
      "UPDATE sync_runs SET status = ?, finished_at = ?, error = ?, summary = ?, pid = NULL WHERE id = ?",
    )
    .run(status, now, error, JSON.stringify(summary), id);
  own.delete(id);
}

export function recentRuns(dbh: DbHandle, limit = 10): SyncRunRow[] {
  return dbh.sqlite
    .query<SyncRunRow, [number]>("SELECT * FROM sync_runs ORDER BY id DESC LIMIT ?")
    .all(limit);
}

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
  return dbh.sqlite
    .query<Pick<RunItemRow, "torrent_id" | "reason">, [number]>(
      "SELECT torrent_id, reason FROM sync_run_items WHERE run_id = ? AND state = 'pending' ORDER BY priority, rowid",
    )
    .all(runId);
}

export function runItemCounts(dbh: DbHandle, runId: number): Record<string, number> {
  const rows = dbh.sqlite
    .query<{ state: string; n: number }, [number]>(
      "SELECT state, COUNT(*) AS n FROM sync_run_items WHERE run_id = ? GROUP BY state",
    )
    .all(runId);
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export function failedRunItems(dbh: DbHandle, runId: number): string[] {
  return dbh.sqlite
    .query<{ torrent_id: string }, [number]>(
      "SELECT torrent_id FROM sync_run_items WHERE run_id = ? AND state IN ('failed', 'pending')",
    )
    .all(runId)
    .map((r) => r.torrent_id);
}

export function markRunItem(
  dbh: DbHandle,
  runId: number,
  torrentId: string,
  state: Exclude<RunItemRow["state"], "pending">,
  error: string | null = null,
): void {
  dbh.sqlite
    .query(
      "UPDATE sync_run_items SET state = ?, attempts = attempts + 1, error = ? WHERE run_id = ? AND torrent_id = ?",
    )
    .run(state, error, runId, torrentId);
}

/** Forgets a run that did nothing (the token was refused before anything was fetched). */
export function discardRun(dbh: DbHandle, own: OwnRuns, id: number): void {
  dbh.sqlite.query("DELETE FROM sync_runs WHERE id = ?").run(id);
  own.delete(id);
}
