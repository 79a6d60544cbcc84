import { SYNC_MODES } from "../../../schema/library.ts";
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
  latestRun,
  runItemCounts,
  runningSync as runningSyncRow,
  type SyncRunRow,
  updateRun,
} from "../../db/repo/sync-runs.ts";
import type { Deps } from "../../deps.ts";
import { AppError, ConflictError, errorMessage, ValidationError } from "../../errors.ts";
import { formatCount } from "../../lib/format.ts";
import {
  type DebridProvider,
  ProviderError,
  type ProviderKind,
  type RequestMeter,
} from "../../providers/types.ts";
import { fetchPendingDetails } from "./details.ts";
import { type ListWalkResult, walkList } from "./list-walk.ts";
import { countByReason, orderPlan, type PlannedFetch, REASON_PRIORITY } from "./plan.ts";
import type { SyncMode, SyncOptions, SyncResult } from "./types.ts";

export type { SyncMode, SyncOptions, SyncResult } from "./types.ts";

/** The sync running now (in this process or a live other one), if any. */
export function runningSync(deps: Deps): SyncRunRow | null {
  return runningSyncRow(deps.dbh, deps.ownSyncRuns);
}

/**
 * True when some provider's latest run was interrupted or failed, or is still marked running by
 * a process that died (a crash): `resume` has something to do.
 */
export function hasResumableRun(deps: Deps): boolean {
  return deps.providers.configured().some((kind) => resumable(deps, kind));
}

function resumable(deps: Deps, provider: string): boolean {
  const latest = latestRun(deps.dbh, provider);
  if (!latest) return false;
  if (latest.status === "running") return runningSync(deps) === null;
  return latest.status === "interrupted" || latest.status === "failed";
}

/** Some configured provider's last sync stopped before the end: `resume` has something to do. */
export function canResumeSync(deps: Deps): boolean {
  return deps.providers.configured().some((kind) => resumable(deps, kind));
}

export { SYNC_MODES };

/**
 * Mirrors the debrid libraries into SQLite: `options.provider`, or every configured provider one
 * after the other (each paced by its own client's limiter). A provider that fails does not stop
 * the next one; the result sums them, with each provider's own in `byProvider`. Another sync
 * already running stops everything (ConflictError).
 */
export async function runSync(deps: Deps, mode: SyncMode, options: SyncOptions = {}): Promise<SyncResult> {
  const kinds = syncRequestTargets(deps, mode, options);
  if (kinds.length === 1) return syncProvider(deps, kinds[0] as ProviderKind, mode, options);
  const results: SyncResult[] = [];
  for (const kind of kinds) {
    if (options.signal?.aborted) break;
    results.push(await syncProvider(deps, kind, mode, options));
  }
  return combineResults(mode, results);
}

/**
 * The providers a sync request covers, or the ValidationError runSync would throw (bad mode or
 * options, provider not configured, nothing to resume): callers check before recording a run.
 */
export function syncRequestTargets(deps: Deps, mode: SyncMode, options: SyncOptions = {}): ProviderKind[] {
  if (!SYNC_MODES.includes(mode))
    throw new ValidationError(`unknown sync mode "${mode}" (${SYNC_MODES.join(", ")})`);
  if (mode === "details" && !options.status)
    throw new ValidationError("details sync needs a status (--status)");
  if (options.dryRun && mode !== "smart") throw new ValidationError("--dry-run applies to the smart sync");
  let kinds = syncTargets(deps, options.provider);
  if (mode === "resume") {
    kinds = kinds.filter((kind) => resumable(deps, kind));
    if (kinds.length === 0)
      throw new ValidationError("nothing to resume: the last sync finished (run `redriva sync smart`)");
  }
  return kinds;
}

/** The providers a sync covers: the one named (it must be configured), else every configured one. */
function syncTargets(deps: Deps, named: string | undefined): ProviderKind[] {
  const configured = deps.providers.configured();
  if (named !== undefined) {
    if (!configured.includes(named as ProviderKind))
      throw new ValidationError(
        `${JSON.stringify(named)} is not a configured provider (configured: ${configured.join(", ") || "none"})`,
      );
    return [named as ProviderKind];
  }
  if (configured.length === 0) {
    requireProvider(deps, "realdebrid"); // throws, naming the variables to set
  }
  return configured;
}

/**
 * Mirrors one provider's library into SQLite.
 * - `torrents`: the list only (1 request per 5,000 torrents).
 * - `full`: the list, then details of every torrent.
 * - `smart`: the list, then details only where they are missing, out of date or changed.
 * - `resume`: continues the last interrupted/failed run from its checkpoint.
 * - `details`: details of every torrent in `options.status`.
 * One sync at a time per database (a second one gets a ConflictError). The run is recorded in
 * `sync_runs`; anything it could not fetch makes it `failed`, never a silent success.
 */
async function syncProvider(
  deps: Deps,
  kind: ProviderKind,
  mode: SyncMode,
  options: SyncOptions,
): Promise<SyncResult> {
  const provider = requireProvider(deps, kind);
  const log = (line: string, level: "info" | "warn" | "error" = "info") => {
    options.onLog?.(line, level);
    deps.bus.publish("sync", "log", { line, level, provider: kind });
  };
  // This run's own requests: the client is shared with downloads and the web UI.
  const meter: RequestMeter = { requests: 0, rateLimited: 0 };
  const opts: SyncOptions = { ...options, onLog: log };
  const started = deps.clock.now();
  const result = emptyResult(mode, kind);

  if (opts.dryRun) {
    const walk = await countedWalk(deps, provider, started, { ...opts, plan: true }, meter, result);
    result.torrentsSeen = walk.seen;
    result.added = walk.added;
    result.updated = walk.updated;
    result.plan = countByReason(walk.planned);
    result.detailsPlanned = walk.planned.length;
    return finishResult(deps, meter, started, result, "succeeded", null);
  }

  const run = claimRun(deps, kind, mode, opts);
  result.runId = run.id;
  deps.bus.publish("sync", "start", { runId: run.id, mode, provider: kind });
  log(`sync ${mode} started (${kind}, run ${run.id})`);
  let status: SyncResult["status"] = "succeeded";
  let error: string | null = null;
  try {
    const effectiveMode = mode === "resume" ? (run.mode as SyncMode) : mode;
    const hasCheckpoint = mode === "resume" && run.details_planned > 0;
    if (!hasCheckpoint && effectiveMode !== "details") {
      const walk = await countedWalk(
        deps,
        provider,
        started,
        { ...opts, plan: effectiveMode === "smart" },
        meter,
        result,
      );
      Object.assign(result, { torrentsSeen: walk.seen, added: walk.added, updated: walk.updated });
      result.removed = markUnseenRemoved(deps.dbh, provider.kind, started, deps.clock.now()).length;
      if (result.removed > 0)
        log(`${formatCount(result.removed)} torrents are gone from ${kind} (marked removed)`);
      if (walk.described.size > 0)
        log(`details of ${formatCount(walk.described.size)} torrents came with the list`);
      planDetails(deps, kind, run.id, effectiveMode, opts, walk.planned, result, walk.described);
    } else if (!hasCheckpoint) {
      planDetails(deps, kind, run.id, effectiveMode, opts, [], result);
    } else {
      log(
        `resuming run ${run.id}: ${formatCount(runItemCounts(deps.dbh, run.id).pending ?? 0)} details left`,
      );
    }
    updateRun(deps.dbh, run.id, {
      torrents_seen: result.torrentsSeen,
      added: result.added,
      updated: result.updated,
      removed: result.removed,
    });
    const details = await fetchPendingDetails(
      deps,
      provider,
      run.id,
      opts,
      meter,
      ({ done, failed, requests }) => {
        if ((done + failed) % 25 === 0)
          updateRun(deps.dbh, run.id, {
            details_done: done,
            details_failed: failed,
            detail_requests: requests,
          });
      },
    );
    const counts = runItemCounts(deps.dbh, run.id);
    result.detailsPlanned = Object.values(counts).reduce((a, b) => a + b, 0);
    result.detailsDone = counts.done ?? 0;
    result.detailsFailed = counts.failed ?? 0;
    result.missing = failedRunItems(deps.dbh, run.id);
    if (details.fatal) throw details.fatal;
    if (details.interrupted || opts.signal?.aborted) {
      status = "interrupted";
      error = `interrupted with ${result.missing.length} details left: run \`redriva sync resume --provider ${kind}\` to finish`;
    } else if (result.missing.length > 0) {
      status = "failed";
      error = `${result.missing.length} of ${result.detailsPlanned} torrents could not be fetched (e.g. ${result.missing.slice(0, 5).join(", ")}); run \`redriva sync resume --provider ${kind}\` to retry them`;
    }
    takeLibrarySnapshot(deps.dbh, deps.clock.now());
  } catch (caught) {
    if (opts.signal?.aborted || (caught instanceof AppError && caught.code === "interrupted")) {
      status = "interrupted";
      error = `interrupted before the list was complete: run \`redriva sync resume --provider ${kind}\` to start it again`;
    } else {
      status = "failed";
      error = errorMessage(explainDatabaseError(caught, deps.dbh.path));
      if (caught instanceof ProviderError && caught.kind === "auth" && mode !== "resume") {
        // A refused token means nothing was fetched: leave no trace but the error.
        discardRun(deps.dbh, deps.ownSyncRuns, run.id);
        result.runId = null;
      }
    }
  }
  return finishResult(deps, meter, started, result, status, error);
}

/** The list walk, its requests counted as list requests even when it throws (a refused token). */
async function countedWalk(
  deps: Deps,
  provider: DebridProvider,
  started: number,
  options: SyncOptions & { plan: boolean },
  meter: RequestMeter,
  result: SyncResult,
): Promise<ListWalkResult> {
  try {
    return await walkList(deps, provider, started, options, meter);
  } finally {
    result.requests.list = meter.requests;
  }
}

function requireProvider(deps: Deps, kind: ProviderKind): DebridProvider {
  try {
    return deps.providers.require(kind);
  } catch (error) {
    throw new ValidationError(errorMessage(error));
  }
}

/** A new run, or the interrupted one `resume` takes over. */
function claimRun(deps: Deps, kind: ProviderKind, mode: SyncMode, options: SyncOptions): SyncRunRow {
  const now = deps.clock.now();
  if (mode === "resume") {
    const { run, blockedBy } = claimResumableRun(deps.dbh, deps.ownSyncRuns, kind, now);
    if (blockedBy) throw busy(blockedBy);
    if (!run)
      throw new ValidationError("nothing to resume: the last sync finished (run `redriva sync smart`)");
    return run;
  }
  const { run, blockedBy } = beginRun(
    deps.dbh,
    deps.ownSyncRuns,
    kind,
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
    `a ${row.mode} sync is already running (${row.provider}, run ${row.id}, started ${new Date(row.started_at).toISOString()}, pid ${row.pid})`,
    { runId: row.id },
  );
}

function planDetails(
  deps: Deps,
  kind: ProviderKind,
  runId: number,
  mode: SyncMode,
  options: SyncOptions,
  planned: PlannedFetch[],
  result: SyncResult,
  described: ReadonlySet<string> = new Set(),
): void {
  let items = planned;
  if (mode === "full") {
    const ids = presentTorrentIds(deps.dbh, kind).filter((id) => !described.has(id));
    items = ids.map((id) => ({
      torrentId: id,
      reason: "full",
      priority: REASON_PRIORITY.full,
    }));
  } else if (mode === "details") {
    items = presentTorrentIds(deps.dbh, kind, options.status).map((id) => ({
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
  const reasons = Object.entries(result.plan).map(([reason, n]) => `${reason} ${formatCount(n ?? 0)}`);
  options.onLog?.(
    `details planned: ${formatCount(ordered.length)}${reasons.length ? ` (${reasons.join(", ")})` : ""}`,
    "info",
  );
}

function emptyResult(mode: SyncMode, provider: string | null): SyncResult {
  return {
    provider,
    byProvider: [],
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
  meter: RequestMeter,
  started: number,
  result: SyncResult,
  status: SyncResult["status"],
  error: string | null,
): SyncResult {
  const total = meter.requests;
  result.byProvider = [result];
  result.status = status;
  result.error = error;
  result.durationMs = deps.clock.now() - started;
  result.requests = {
    total,
    list: result.requests.list,
    details: total - result.requests.list,
    rateLimited: meter.rateLimited,
  };
  if (result.runId !== null) recordFinish(deps, result, status, error);
  deps.bus.publish("sync", "end", {
    runId: result.runId,
    mode: result.mode,
    provider: result.provider,
    status,
    error,
  });
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
    finishRun(deps.dbh, deps.ownSyncRuns, runId, status, deps.clock.now(), error, {
      plan: result.plan,
      missing: result.missing.length,
      durationMs: result.durationMs,
    });
  })();
}

const STATUS_WEIGHT: Record<SyncResult["status"], number> = { succeeded: 0, failed: 1, interrupted: 2 };

/** The sum of several providers' results; the worst status wins, errors are named by provider. */
function combineResults(mode: SyncMode, results: SyncResult[]): SyncResult {
  const sum = emptyResult(mode, null);
  sum.byProvider = results;
  for (const r of results) {
    if (STATUS_WEIGHT[r.status] > STATUS_WEIGHT[sum.status]) sum.status = r.status;
    sum.runId = r.runId ?? sum.runId;
    sum.durationMs += r.durationMs;
    sum.torrentsSeen += r.torrentsSeen;
    sum.added += r.added;
    sum.updated += r.updated;
    sum.removed += r.removed;
    sum.detailsPlanned += r.detailsPlanned;
    sum.detailsDone += r.detailsDone;
    sum.detailsFailed += r.detailsFailed;
    sum.missing.push(...r.missing);
    sum.requests.total += r.requests.total;
    sum.requests.list += r.requests.list;
    sum.requests.details += r.requests.details;
    sum.requests.rateLimited += r.requests.rateLimited;
    for (const [reason, n] of Object.entries(r.plan) as Array<[keyof SyncResult["plan"], number]>)
      sum.plan[reason] = (sum.plan[reason] ?? 0) + n;
  }
  const errors = results.filter((r) => r.error).map((r) => `${r.provider}: ${r.error}`);
  sum.error = errors.length > 0 ? errors.join("; ") : null;
  return sum;
}
