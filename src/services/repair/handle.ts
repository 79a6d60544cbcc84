import { type CandidateState, updateCandidate } from "../../db/repo/repair.ts";
import { insertAttempt } from "../../db/repo/repair-attempts.ts";
import { markTorrentDeleted } from "../../db/repo/repair-library.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import { ProviderError } from "../../providers/types.ts";
import {
  linksOfTorrent,
  type MediaLinkCache,
  notifyPermanentFailure,
  removeTorrentLinks,
} from "./aftermath.ts";
import { classify, FAILURE_POLICY, RepairFailure } from "./policy.ts";
import { type CallMeter, currentInfo, meter, type RepairTarget, reinject } from "./reinject.ts";
import type { ItemResult, RepairTrigger } from "./types.ts";

/** Shared by the candidates of one run. */
export interface RunContext {
  dryRun: boolean;
  trigger: RepairTrigger;
  signal?: AbortSignal;
  links: MediaLinkCache;
  /** Links removed during the run: Sonarr/Radarr are told once at the end. */
  removedLinks: string[];
  /** Set when the provider refuses us as a whole: the rest of the run is deferred. */
  halted: { failure: string; message: string } | null;
  log: (line: string, level?: "info" | "warn" | "error") => void;
}

/** What handling needs to know about the stored candidate (null id: dry run of an unknown one). */
export interface CandidateSnapshot {
  id: number | null;
  attempts: number;
  state: string;
  /** Links known from the symlinks scan. */
  knownLinks: string[];
}

/**
 * Applies the per-failure policy to one candidate: re-inject it (or, for a virus, delete it),
 * record the attempt, and move the candidate to its next state. In a dry run nothing is
 * written, deleted or sent: the result only says what would be done.
 */
export async function handleCandidate(
  deps: Deps,
  target: RepairTarget,
  snapshot: CandidateSnapshot,
  ctx: RunContext,
): Promise<ItemResult> {
  const started = deps.clock.now();
  const calls: CallMeter = { requests: 0, responseMs: 0 };
  const item: ItemResult = {
    candidateId: snapshot.id,
    torrentId: target.torrentId,
    filename: target.filename,
    reason: target.reason,
    outcome: "skipped",
    failure: null,
    error: null,
    newTorrentId: null,
    dueAt: null,
    attempts: snapshot.attempts,
    plan: null,
    links: [],
    requests: 0,
    responseMs: 0,
  };
  const { config } = deps;
  let action = "reinject";
  let detail: Record<string, unknown> = {};
  let next: { state: CandidateState; dueAt?: number | null; resolved?: boolean } = { state: "skipped" };
  let countAttempt = true;
  try {
    if (target.reason === "virus") {
      action = "delete";
      await deleteVirus(deps, target, calls, ctx, item);
      next = { state: "failed", resolved: true };
    } else {
      const result = await reinject(deps, target, { dryRun: ctx.dryRun, calls, signal: ctx.signal });
      if (result.kind === "planned") {
        item.outcome = "planned";
        item.links = await linksOfTorrent(deps, target, snapshot.knownLinks, ctx.links);
        item.plan = {
          ...result.plan,
          steps: [
            ...result.plan.steps,
            item.links.length > 0
              ? `if the provider answers infringing_file: remove ${item.links.length} library link(s) and rescan`
              : "if the provider answers infringing_file: no library link points at it",
          ],
        };
        ctx.log(`dry run, ${target.filename || target.torrentId}: ${item.plan.steps.join(" → ")}`);
      } else if (result.kind === "skipped") {
        item.outcome = "skipped";
        item.error = result.why;
        countAttempt = false;
        next = { state: "skipped", resolved: true };
        detail = { why: result.why, status: result.status };
      } else {
        item.outcome = "repaired";
        item.newTorrentId = result.newTorrentId;
        next = { state: "repaired", resolved: true };
        detail = {
          status: result.status,
          selection: result.selection,
          deletedOld: result.deletedOld,
          deleteError: result.deleteError,
          renamedLocal: result.renamedLocal,
        };
        ctx.log(
          `repaired ${target.filename || target.torrentId}: ${target.torrentId} → ${result.newTorrentId}`,
        );
      }
    }
  } catch (error) {
    const failure = error instanceof RepairFailure ? error : classify(error);
    const policy = FAILURE_POLICY[failure.failure];
    item.failure = failure.failure;
    item.error = failure.message;
    detail = { code: failure.code };
    if (ctx.signal?.aborted || failure.failure === "auth") {
      // Stopped (shutdown, cancel) or the token was refused: not the torrent's fault, so it
      // keeps its place and its attempt count.
      item.outcome = "aborted";
      countAttempt = false;
      next = { state: snapshot.attempts > 0 ? "retry" : "pending", dueAt: started };
    } else if (policy.permanent) {
      item.outcome = "failed";
      next = { state: "failed", resolved: true };
      if (policy.cleanupLinks) {
        const cleanup = await removeTorrentLinks(deps, target, snapshot.knownLinks, ctx.links, {
          dryRun: ctx.dryRun,
        });
        item.links = cleanup.removed;
        ctx.removedLinks.push(...cleanup.removed);
        detail = {
          ...detail,
          linksRemoved: cleanup.removed,
          linksRefused: cleanup.refused,
          note: cleanup.note,
        };
      }
      if (policy.deleteTorrent && !ctx.dryRun) detail.deletedOld = await deleteQuietly(deps, target, calls);
    } else {
      const attempts = snapshot.attempts + 1;
      if (attempts >= config.repair.maxAttempts) {
        item.outcome = "failed";
        item.error = `${failure.message}; gave up after ${attempts} attempt(s)`;
        next = { state: "failed", resolved: true };
      } else {
        item.outcome = "retry";
        next = { state: "retry" }; // due time set below, from the moment the attempt ended
      }
    }
    if (policy.haltRun) ctx.halted ??= { failure: failure.failure, message: failure.message };
    ctx.log(
      `${target.filename || target.torrentId}: ${item.outcome} (${failure.failure}): ${failure.message}`,
      "warn",
    );
  }
  item.requests = calls.requests;
  item.responseMs = calls.responseMs;
  const finished = deps.clock.now();
  if (item.outcome === "retry") {
    item.dueAt = finished + config.repair.retryDelayMs;
    next.dueAt = item.dueAt;
  }
  if (ctx.dryRun || snapshot.id === null) return item;

  if (countAttempt) item.attempts = snapshot.attempts + 1;
  updateCandidate(
    deps.dbh.db,
    snapshot.id,
    {
      state: next.state,
      attempts: item.attempts,
      dueAt: next.dueAt ?? null,
      failure: item.failure,
      lastError: item.error,
      ...(item.newTorrentId ? { newTorrentId: item.newTorrentId } : {}),
      resolved: next.resolved,
    },
    finished,
  );
  insertAttempt(deps.dbh.db, {
    candidate_id: snapshot.id,
    torrent_id: target.torrentId,
    hash: target.hash,
    action,
    trigger: ctx.trigger,
    started_at: started,
    finished_at: finished,
    outcome: item.outcome,
    failure: item.failure,
    error: item.error,
    error_code: typeof detail.code === "string" ? detail.code : null,
    response_ms: Math.round(calls.responseMs),
    requests: calls.requests,
    new_torrent_id: item.newTorrentId,
    detail,
  });
  if (item.outcome === "failed") {
    await notifyPermanentFailure(deps, target, item.failure ?? "unknown", item.error ?? "", item.attempts);
  }
  deps.bus.publish("repair", "attempt", {
    candidateId: snapshot.id,
    torrentId: target.torrentId,
    outcome: item.outcome,
    failure: item.failure,
  });
  return item;
}

/** Virus: permanent failure, the torrent is deleted at the provider (dry run: planned only). */
async function deleteVirus(
  deps: Deps,
  target: RepairTarget,
  calls: CallMeter,
  ctx: RunContext,
  item: ItemResult,
) {
  item.failure = "virus";
  item.error = "flagged as a virus by the provider: deleted, not re-added";
  if (ctx.dryRun) {
    const old = await currentInfo(
      deps.providers.require(target.provider),
      target.torrentId,
      meter(deps, calls),
    );
    item.outcome = "planned";
    item.plan = {
      steps: old
        ? [`delete ${target.torrentId} (status ${old.status}) at the provider`, "mark it failed for good"]
        : [`${target.torrentId} is already gone at the provider`, "mark it failed for good"],
    };
    return;
  }
  await deleteQuietly(deps, target, calls, true);
  item.outcome = "failed";
}

/** Deletes the old torrent; a torrent already gone counts as deleted. */
async function deleteQuietly(
  deps: Deps,
  target: RepairTarget,
  calls: CallMeter,
  strict = false,
): Promise<boolean> {
  try {
    await meter(deps, calls)(() => deps.providers.require(target.provider).deleteTorrent(target.torrentId));
  } catch (error) {
    if (!(error instanceof ProviderError && error.kind === "not_found")) {
      if (strict) throw error;
      deps.log.warn(
        { id: target.torrentId, err: errorMessage(error) },
        "could not delete the failed torrent",
      );
      return false;
    }
  }
  markTorrentDeleted(deps.dbh, target.torrentId, deps.clock.now());
  return true;
}
