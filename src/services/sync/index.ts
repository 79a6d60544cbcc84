import { reclaimSpace } from "../../db/client.ts";
import { explainDatabaseError, isDiskFull } from "../../db/errors.ts";
import { markUnseenRemoved, presentTorrentIds, takeLibrarySnapshot } from "../../db/repo/library.ts";
import {
  addRunItems,
  beginRun,
  claimResumableRun,
  discardRun,
  failedRunItems,
  finishRun,
  runItemCounts,
  type SyncRunRow,
  updateRun,
} from "../../db/repo/sync-runs.ts";
import type { Deps } from "../../deps.ts";
import { AppError, ConflictError, errorMessage, ValidationError } from "../../errors.ts";
import { type DebridProvider, ProviderError } from "../../providers/types.ts";
import { fetchPendingDetails } from "./details.ts";
import { walkList } from "./list-walk.ts";
import { countByReason, orderPlan, type PlannedFetch, REASON_PRIORITY } from "./plan.ts";
import type { SyncMode, SyncOptions, SyncResult } from "./types.ts";

export { recentRuns, runningSync } from "../../db/repo/sync-runs.ts";
export type { SyncMode, SyncOptions, SyncResult } from "./types.ts";

export const SYNC_MODES: readonly SyncMode[] = ["torrents", "full", "smart", "resume", "details"];

/**
 * Mirrors the Real-Debrid library into SQLite.
 * - `torrents`: the list only (1 request per 5,000 torrents).
 * - `full`: the list, then details of every torrent.
 * - `smart`: the list, then details only where they are missing, out of date or changed.
 * - `resume`: continues the last interrupted/failed run from its checkpoint.
 * - `details`: details of every torrent in `options.status`.
 * One sync at a time per database (a second one gets a ConflictError). The run is recorded in
 * `sync_runs`; anything it could not fetch makes it `failed`, never a silent success.
 */
export async function runSync(deps: Deps, mode: SyncMode, options: SyncOptions = {}): Promise<SyncResult> {
  if (!SYNC_MODES.includes(mode))
    throw new ValidationError(`unknown sync mode "${mode}" (${SYNC_MODES.join(", ")})`);
  if (mode === "details" && !options.status)
    throw new ValidationError("details sync needs a status (--status)");
  if (options.dryRun && mode !== "smart") throw new ValidationError("--dry-run applies to the smart sync");
  const provider = requireProvider(deps);
  const log = (line: string, level: "info" | "warn" | "error" = "info") => {
    options.onLog?.(line, level);
    deps.bus.publish("sync", "log", { line, level });
  };
  const opts: SyncOptions = { ...options, onLog: log };
  const started = deps.clock.now();
  const before = provider.stats();
  const result = emptyResult(mode);

  if (opts.dryRun) {
    const walk = await walkList(deps, provider, started, { ...opts, plan: true });
    result.requests.list = provider.stats().requests - before.requests;
    result.torrentsSeen = walk.seen;
    result.added = walk.added;
    result.updated = walk.updated;
    result.plan = countByReason(walk.planned);
    result.detailsPlanned = walk.planned.length;
    return finishResult(deps, provider, before, started, result, "succeeded", null);
  }

  const run = claimRun(deps, mode, opts);
  result.runId = run.id;
  deps.bus.publish("sync", "start", { runId: run.id, mode });
  log(`sync ${mode} started (run ${run.id})`);
  let status: SyncResult["status"] = "succeeded";
  let error: string | null = null;
  try {
    const effectiveMode = mode === "resume" ? (run.mode as SyncMode) : mode;
    const hasCheckpoint = mode === "resume" && run.details_planned > 0;
    if (!hasCheckpoint && effectiveMode !== "details") {
      const walk = await walkList(deps, provider, started, { ...opts, plan: effectiveMode === "smart" });
      result.requests.list = provider.stats().requests - before.requests;
      Object.assign(result, { torrentsSeen: walk.seen, added: walk.added, updated: walk.updated });
      result.removed = markUnseenRemoved(deps.dbh, provider.kind, started, deps.clock.now()).length;
      if (result.removed > 0) log(`${result.removed} torrents are gone from the provider (marked removed)`);
      planDetails(deps, run.id, effectiveMode, opts, walk.planned, result);
    } else if (!hasCheckpoint) {
      planDetails(deps, run.id, effectiveMode, opts, [], result);
    } else {
      log(`resuming run ${run.id}: ${runItemCounts(deps.dbh, run.id).pending ?? 0} details left`);
    }
    updateRun(deps.dbh, run.id, {
      torrents_seen: result.torrentsSeen,
      added: result.added,
      updated: result.updated,
      removed: result.removed,
    });
    const details = await fetchPendingDetails(deps, provider, run.id, opts, ({ done, failed, requests }) => {
      if ((done + failed) % 25 === 0)
        updateRun(deps.dbh, run.id, {
          details_done: done,
          details_failed: failed,
          detail_requests: requests,
        });
    });
    const counts = runItemCounts(deps.dbh, run.id);
    result.detailsPlanned = Object.values(counts).reduce((a, b) => a + b, 0);
    result.detailsDone = counts.done ?? 0;
    result.detailsFailed = counts.failed ?? 0;
    result.missing = failedRunItems(deps.dbh, run.id);
    if (details.fatal) throw details.fatal;
    if (details.interrupted || opts.signal?.aborted) {
      status = "interrupted";
      error = `interrupted with ${result.missing.length} details left: run \`redriva sync resume\` to finish`;
    } else if (result.missing.length > 0) {
      status = "failed";
      error = `${result.missing.length} of ${result.detailsPlanned} torrents could not be fetched (e.g. ${result.missing.slice(0, 5).join(", ")}); run \`redriva sync resume\` to retry them`;
    }
    takeLibrarySnapshot(deps.dbh, deps.clock.now());
  } catch (caught) {
    if (opts.signal?.aborted || (caught instanceof AppError && caught.code === "interrupted")) {
      status = "interrupted";
      error = "interrupted before the list was complete: run `redriva sync resume` to start it again";
    } else {
      status = "failed";
      error = errorMessage(explainDatabaseError(caught, deps.dbh.path));
      if (caught instanceof ProviderError && caught.kind === "auth" && mode !== "resume") {
        // A refused token means nothing was fetched: leave no trace but the error.
        discardRun(deps.dbh, run.id);
        result.runId = null;
      }
    }
  }
  return finishResult(deps, provider, before, started, result, status, error);
}

function requireProvider(deps: Deps): DebridProvider {
  try {
    return deps.providers.require("realdebrid");
  } catch (error) {
    throw new ValidationError(errorMessage(error));
  }
}

/** A new run, or the interrupted one `resume` takes over. */
function claimRun(deps: Deps, mode: SyncMode, options: SyncOptions): SyncRunRow {
  const now = deps.clock.now();
  if (mode === "resume") {
    const { run, blockedBy } = claimResumableRun(deps.dbh, now);
    if (blockedBy) throw busy(blockedBy);
    if (!run)
      throw new ValidationError("nothing to resume: the last sync finished (run `redriva sync smart`)");
    return run;
  }
  const { run, blockedBy } = beginRun(
    deps.dbh,
    mode,
    {
      status: options.status,
      includeActive: options.includeActive,
      skipErrorRetry: options.skipErrorRetry,
      statusChangesOnly: options.statusChangesOnly,
    },
    now,
  );
  if (blockedBy) throw busy(blockedBy);
  return run;
}

function busy(row: SyncRunRow): ConflictError {
  return new ConflictError(
    `a ${row.mode} sync is already running (run ${row.id}, started ${new Date(row.started_at).toISOString()}, pid ${row.pid})`,
    { runId: row.id },
  );
}

function planDetails(
  deps: Deps,
  runId: number,
  mode: SyncMode,
  options: SyncOptions,
  planned: PlannedFetch[],
  result: SyncResult,
): void {
  let items = planned;
  if (mode === "full") {
    items = presentTorrentIds(deps.dbh, "realdebrid").map((id) => ({
      torrentId: id,
      reason: "full",
      priority: REASON_PRIORITY.full,
    }));
  } else if (mode === "details") {
    items = presentTorrentIds(deps.dbh, "realdebrid", options.status).map((id) => ({
      torrentId: id,
      reason: "status",
      priority: REASON_PRIORITY.status,
    }));
  }
  const ordered = orderPlan(items);
  addRunItems(deps.dbh, runId, ordered);
  result.plan = countByReason(ordered);
  result.detailsPlanned = ordered.length;
  updateRun(deps.dbh, runId, { details_planned: ordered.length });
  const reasons = Object.entries(result.plan).map(([reason, n]) => `${reason} ${n}`);
  options.onLog?.(
    `details planned: ${ordered.length}${reasons.length ? ` (${reasons.join(", ")})` : ""}`,
    "info",
  );
}

function emptyResult(mode: SyncMode): SyncResult {
  return {
    runId: null,
    mode,
    status: "succeeded",
    durationMs: 0,
    torrentsSeen: 0,
    added: 0,
    updated: 0,
    removed: 0,
    detailsPlanned: 0,
    detailsDone: 0,
    detailsFailed: 0,
    missing: [],
    requests: { total: 0, list: 0, details: 0, rateLimited: 0 },
    plan: {},
    error: null,
  };
}

function finishResult(
  deps: Deps,
  provider: DebridProvider,
  before: ReturnType<DebridProvider["stats"]>,
  started: number,
  result: SyncResult,
  status: SyncResult["status"],
  error: string | null,
): SyncResult {
  const after = provider.stats();
  const total = after.requests - before.requests;
  result.status = status;
  result.error = error;
  result.durationMs = deps.clock.now() - started;
  result.requests = {
    total,
    list: result.requests.list,
    details: total - result.requests.list,
    rateLimited: after.rateLimited - before.rateLimited,
  };
  if (result.runId !== null) recordFinish(deps, result, status, error);
  deps.bus.publish("sync", "end", { runId: result.runId, mode: result.mode, status, error });
  return result;
}

/**
 * Writes the run's outcome. On a full disk the space kept in reserve beside the database is
 * given back (and the WAL checkpointed) and the write tried once more; if even that fails, one
 * clear error says so (the run then reads as interrupted at the next start).
 */
function recordFinish(
  deps: Deps,
  result: SyncResult,
  status: SyncResult["status"],
  error: string | null,
): void {
  try {
    writeFinish(deps, result, status, error);
  } catch (first) {
    if (!isDiskFull(first)) throw first;
    try {
      reclaimSpace(deps.dbh);
      writeFinish(deps, result, status, error);
    } catch (second) {
      throw explainDatabaseError(second, deps.dbh.path);
    }
  }
}

function writeFinish(
  deps: Deps,
  result: SyncResult,
  status: SyncResult["status"],
  error: string | null,
): void {
  const runId = result.runId as number;
  // One transaction: the counters and the status land together or not at all.
  deps.dbh.sqlite.transaction(() => {
    updateRun(deps.dbh, runId, {
      total_requests: result.requests.total,
      list_requests: result.requests.list,
      detail_requests: result.requests.details,
      rate_limited: result.requests.rateLimited,
      details_done: result.detailsDone,
      details_failed: result.detailsFailed,
      details_planned: result.detailsPlanned,
    });
    finishRun(deps.dbh, runId, status, deps.clock.now(), error, {
      plan: result.plan,
      missing: result.missing.length,
      durationMs: result.durationMs,
    });
  })();
}
