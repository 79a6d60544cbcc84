import type { RepairReason } from "../../config/sections/repair.ts";
import {
  type CandidateRow,
  claimCandidate,
  getCandidate,
  getCandidateByTorrent,
  nextCandidates,
  releaseStaleRunning,
  updateCandidate,
  upsertCandidate,
} from "../../db/repo/repair.ts";
import { localTorrent, localTorrentsWithId } from "../../db/repo/repair-library.ts";
import type { Deps } from "../../deps.ts";
import { ConflictError, errorMessage, ValidationError } from "../../errors.ts";
import type { LogLine } from "../../lib/run-hooks.ts";
import type { ProviderKind } from "../../providers/types.ts";
import { MediaLinkCache, tellArr } from "./aftermath.ts";
import { type CandidateSnapshot, handleCandidate, type RunContext } from "./handle.ts";
import type { RepairTarget } from "./reinject.ts";
import { LibraryLinkCache } from "./relink-plan.ts";
import { emptyCounts, type ItemResult, type RepairTrigger, type RunResult } from "./types.ts";

export interface RunOptions {
  /** Candidates handled at most (default REPAIR_RUN_LIMIT). */
  limit?: number;
  /** Default: the DRY_RUN setting. */
  dryRun?: boolean;
  /** Only candidates of the retry queue that are due (the repair-retry job). */
  retriesOnly?: boolean;
  trigger: RepairTrigger;
  signal?: AbortSignal;
  onLog?: LogLine;
}

/** Attempts in flight longer than this are considered left by a crash. */
const staleAfter = (deps: Deps) => deps.config.repair.waitTimeoutMs * 3 + 10 * 60_000;

function targetOf(row: CandidateRow, force = false): RepairTarget {
  return {
    candidateId: row.id,
    provider: row.provider as ProviderKind,
    torrentId: row.torrent_id,
    hash: row.hash,
    filename: row.filename,
    reason: row.reason,
    force,
  };
}

function snapshotOf(row: CandidateRow): CandidateSnapshot {
  let links: string[] = [];
  try {
    const detail = JSON.parse(row.detail) as { links?: unknown };
    if (Array.isArray(detail.links)) links = detail.links.filter((l): l is string => typeof l === "string");
  } catch {
    links = [];
  }
  return { id: row.id, attempts: row.attempts, state: row.state, knownLinks: links };
}

function newContext(
  deps: Deps,
  options: { dryRun: boolean; trigger: RepairTrigger; signal?: AbortSignal },
  log: RunContext["log"],
): RunContext {
  return {
    dryRun: options.dryRun,
    trigger: options.trigger,
    signal: options.signal,
    links: new MediaLinkCache(deps, options.signal),
    libraryLinks: new LibraryLinkCache(deps, options.signal),
    removedLinks: [],
    halted: null,
    log,
  };
}

/**
 * Handles the next candidates: due retries first, then pending ones by priority, at most
 * `limit`, a few at a time (REPAIR_CONCURRENCY; every request goes through the limiter shared
 * with sync). When the provider refuses us as a whole (rate limit, fair usage, too many active
 * downloads), the candidates not yet started are deferred to the retry queue instead of being
 * hammered. Sonarr/Radarr are told once at the end about every link removed.
 */
export async function runRepair(deps: Deps, options: RunOptions): Promise<RunResult> {
  const started = deps.clock.now();
  const dryRun = options.dryRun ?? deps.config.dryRun;
  const log = options.onLog ?? (() => {});
  const limit = options.limit ?? deps.config.repair.runLimit;
  if (!Number.isInteger(limit) || limit <= 0) throw new ValidationError("limit must be a positive integer");
  const result: RunResult = {
    status: "succeeded",
    dryRun,
    trigger: options.trigger,
    items: [],
    counts: emptyCounts(),
    arr: { rescans: 0, searches: 0, errors: [] },
    error: null,
    durationMs: 0,
  };
  const { db } = deps.dbh;
  if (!dryRun) {
    const released = releaseStaleRunning(db, started, staleAfter(deps));
    if (released > 0)
      log(`${released} attempt(s) left running by a previous process are queued again`, "warn");
  }
  const queue = nextCandidates(db, { now: started, limit, retriesOnly: options.retriesOnly });
  if (queue.length > 0 && deps.providers.configured().length === 0) {
    throw new ValidationError("no debrid account is configured: set RD_API_TOKEN");
  }
  const ctx = newContext(deps, { dryRun, trigger: options.trigger, signal: options.signal }, log);
  if (queue.length > 0) log(`${dryRun ? "dry run: " : ""}${queue.length} candidate(s) to handle`);

  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      if (options.signal?.aborted) {
        result.status = "interrupted";
        return;
      }
      if (ctx.halted) {
        result.items.push(defer(deps, row, ctx));
        continue;
      }
      if (!dryRun && !claimCandidate(db, row.id, deps.clock.now())) continue;
      try {
        result.items.push(await handleCandidate(deps, targetOf(row), snapshotOf(row), ctx));
      } catch (error) {
        // A bug or a database error: give the candidate back and stop this worker.
        if (!dryRun)
          updateCandidate(db, row.id, { state: row.state as "pending", dueAt: row.due_at }, deps.clock.now());
        throw error;
      }
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(deps.config.repair.concurrency, Math.max(1, queue.length)) }, worker),
    );
  } catch (error) {
    result.status = "failed";
    result.error = errorMessage(error);
  }
  if (!dryRun && ctx.removedLinks.length > 0) {
    const arr = await tellArr(deps, ctx.removedLinks, options.signal).catch((error) => ({
      rescans: 0,
      searches: 0,
      items: [],
      errors: [errorMessage(error)],
    }));
    result.arr = { rescans: arr.rescans, searches: arr.searches, errors: arr.errors };
  }
  for (const item of result.items) result.counts[item.outcome]++;
  if (options.signal?.aborted && result.status === "succeeded") result.status = "interrupted";
  if (ctx.halted && result.status === "succeeded") {
    result.status = "failed";
    result.error = `stopped: the provider refused the run (${ctx.halted.failure}): ${ctx.halted.message}`;
  }
  result.durationMs = deps.clock.now() - started;
  deps.bus.publish("repair", "run", { status: result.status, counts: result.counts, dryRun });
  return result;
}

/** Not tried because the provider refused the run: back in the queue, attempts unchanged. */
function defer(deps: Deps, row: CandidateRow, ctx: RunContext): ItemResult {
  const now = deps.clock.now();
  const dueAt = now + deps.config.repair.retryDelayMs;
  const why = `deferred: the provider refused the run (${ctx.halted?.failure})`;
  if (!ctx.dryRun) {
    updateCandidate(
      deps.dbh.db,
      row.id,
      { state: "retry", dueAt, failure: ctx.halted?.failure ?? null, lastError: why },
      now,
    );
  }
  return {
    candidateId: row.id,
    torrentId: row.torrent_id,
    filename: row.filename,
    reason: row.reason,
    outcome: "deferred",
    failure: null,
    error: why,
    newTorrentId: null,
    dueAt,
    attempts: row.attempts,
    plan: null,
    links: [],
    requests: 0,
    responseMs: 0,
  };
}

const TORRENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A provider the caller named: it must be configured. */
function configuredProvider(deps: Deps, named: string): ProviderKind {
  const configured = deps.providers.configured();
  if (!configured.includes(named as ProviderKind))
    throw new ValidationError(
      `${JSON.stringify(named.slice(0, 40))} is not a configured provider (configured: ${configured.join(", ") || "none"})`,
    );
  return named as ProviderKind;
}

/**
 * Whose torrent an id is when the caller did not say: the one provider whose library has it, else
 * the only configured provider. Ids are only unique per provider, so anything else is a question.
 */
function torrentProvider(deps: Deps, torrentId: string): ProviderKind {
  const owners = localTorrentsWithId(deps.dbh, torrentId).map((t) => t.provider as ProviderKind);
  if (owners.length === 1) return owners[0] as ProviderKind;
  const configured = deps.providers.configured();
  if (owners.length === 0 && configured.length === 1) return configured[0] as ProviderKind;
  const among = owners.length > 0 ? owners : configured;
  throw new ValidationError(
    `torrent ${torrentId} could belong to ${among.join(" or ")}: name the provider (--provider or ?provider=)`,
  );
}

/**
 * "Re-inject now" (web UI, torrent detail page, CLI): handles one torrent at once, whatever its
 * queue position or due time, even a healthy one or one that failed for good. Dry run (default:
 * DRY_RUN) returns the plan and writes nothing.
 */
export async function reinjectTorrent(
  deps: Deps,
  torrentId: string,
  options: { dryRun?: boolean; trigger?: RepairTrigger; signal?: AbortSignal; provider?: string } = {},
): Promise<ItemResult & { dryRun: boolean; arr: RunResult["arr"] }> {
  if (!TORRENT_ID.test(torrentId))
    throw new ValidationError(`invalid torrent id: ${JSON.stringify(torrentId)}`);
  const dryRun = options.dryRun ?? deps.config.dryRun;
  if (deps.providers.configured().length === 0) {
    throw new ValidationError("no debrid account is configured: set RD_API_TOKEN");
  }
  const { db } = deps.dbh;
  const now = deps.clock.now();
  const provider =
    options.provider === undefined
      ? torrentProvider(deps, torrentId)
      : configuredProvider(deps, options.provider);
  const local = localTorrent(deps.dbh, provider, torrentId);
  const reason: string =
    local && ["dead", "error", "magnet_error", "virus"].includes(local.status) ? local.status : "manual";
  let row = getCandidateByTorrent(db, provider, torrentId);
  if (row?.state === "running") throw new ConflictError(`a repair of ${torrentId} is already running`);
  if (row?.state === "repaired") {
    throw new ConflictError(
      `${torrentId} was already repaired: it is now ${row.new_torrent_id ?? "another id"}`,
    );
  }
  if (!row && !dryRun) {
    const { id } = upsertCandidate(
      db,
      {
        provider,
        torrentId,
        hash: local?.hash ?? null,
        filename: local?.filename ?? "",
        reason,
        statusSeen: local?.status ?? null,
        detail: { manual: true },
        priority: deps.config.repair.priority.indexOf(reason as RepairReason),
      },
      now,
    );
    row = getCandidate(db, id);
  }
  const target: RepairTarget = row
    ? targetOf(row, true)
    : {
        candidateId: null,
        provider,
        torrentId,
        hash: local?.hash ?? null,
        filename: local?.filename ?? "",
        reason,
        force: true,
      };
  const snapshot: CandidateSnapshot = row
    ? snapshotOf(row)
    : { id: null, attempts: 0, state: "pending", knownLinks: [] };
  if (row && !dryRun) {
    // The user overrides the queue: a failed, dismissed or queued candidate is taken now.
    updateCandidate(db, row.id, { state: "pending", dueAt: null }, now);
    if (!claimCandidate(db, row.id, now))
      throw new ConflictError(`a repair of ${torrentId} is already running`);
  }
  const ctx = newContext(
    deps,
    { dryRun, trigger: options.trigger ?? "manual", signal: options.signal },
    (line, level) =>
      deps.log[level === "error" ? "error" : level === "warn" ? "warn" : "info"]({ torrentId }, line),
  );
  const item = await handleCandidate(deps, target, snapshot, ctx);
  const arr =
    !dryRun && ctx.removedLinks.length > 0 ? await tellArr(deps, ctx.removedLinks, options.signal) : null;
  return {
    ...item,
    dryRun,
    arr: arr
      ? { rescans: arr.rescans, searches: arr.searches, errors: arr.errors }
      : { rescans: 0, searches: 0, errors: [] },
  };
}
