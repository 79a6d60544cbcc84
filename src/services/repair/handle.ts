import { recordAttempt } from "../../db/repo/repair.ts";
import { type AttemptInput, insertAttempt } from "../../db/repo/repair-attempts.ts";
import { markTorrentDeleted } from "../../db/repo/repair-library.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import type { LogLine } from "../../lib/run-hooks.ts";
import { ProviderError } from "../../providers/types.ts";
import { notifyChanged } from "../downloads/events.ts";
import {
  linksOfTorrent,
  type MediaLinkCache,
  notifyPermanentFailure,
  removeTorrentLinks,
} from "./aftermath.ts";
import { classify, RepairFailure } from "./policy.ts";
import { type CallMeter, currentInfo, meter, type RepairTarget, reinject } from "./reinject.ts";
import { relinkPlan } from "./relink.ts";
import { findOldLinks, type LibraryLinkCache, type OldLink } from "./relink-plan.ts";
import type { ItemResult, RepairTrigger } from "./types.ts";
import { type Verdict, verdictForFailure, verdictForResult } from "./verdict.ts";

/** Shared by the candidates of one run. */
export interface RunContext {
  dryRun: boolean;
  trigger: RepairTrigger;
  signal?: AbortSignal;
  links: MediaLinkCache;
  /** Links under DOWNLOAD_DIR and the media root, for the links a re-added torrent gets rewritten. */
  libraryLinks: LibraryLinkCache;
  /** Links removed during the run: Sonarr/Radarr are told once at the end. */
  removedLinks: string[];
  /** Set when the provider refuses us as a whole: the rest of the run is deferred. */
  halted: { failure: string; message: string } | null;
  log: LogLine;
}

/** What handling needs to know about the stored candidate (null id: dry run of an unknown one). */
export interface CandidateSnapshot {
  id: number | null;
  attempts: number;
  state: string;
  /** Links known from the symlinks scan. */
  knownLinks: string[];
}

/** How one attempt went, before anything is written: the verdict and what the record keeps. */
interface AttemptRun {
  verdict: Verdict;
  /** reinject, or delete (a virus). */
  action: AttemptInput["action"];
  detail: Record<string, unknown>;
}

/**
 * Applies the per-failure policy to one candidate: re-inject it (or, for a virus, delete it),
 * decide what comes next (verdict.ts), carry out the cleanup the verdict asks for, then record
 * the attempt and the candidate's next state in one transaction, and notify last. In a dry run
 * nothing is written, deleted or sent: the result only says what would be done.
 */
export async function handleCandidate(
  deps: Deps,
  target: RepairTarget,
  snapshot: CandidateSnapshot,
  ctx: RunContext,
): Promise<ItemResult> {
  const started = deps.clock.now();
  const calls: CallMeter = { requests: 0, rateLimited: 0, responseMs: 0 };
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
  const run = await attempt(deps, target, snapshot, ctx, calls, item);
  const { verdict } = run;
  item.outcome = verdict.outcome;
  if (verdict.error !== null) item.error = verdict.error;
  item.requests = calls.requests;
  item.responseMs = calls.responseMs;
  const finished = deps.clock.now();
  const dueAt =
    verdict.due === "start"
      ? started
      : verdict.due === "retry_delay"
        ? finished + deps.config.repair.retryDelayMs
        : null;
  if (verdict.due === "retry_delay") item.dueAt = dueAt;
  if (snapshot.id === null) return item;
  const record: AttemptInput = {
    candidate_id: snapshot.id,
    provider: target.provider,
    torrent_id: target.torrentId,
    hash: target.hash,
    action: run.action,
    trigger: ctx.trigger,
    started_at: started,
    finished_at: finished,
    outcome: item.outcome,
    failure: item.failure,
    error: item.error,
    error_code: typeof run.detail.code === "string" ? run.detail.code : null,
    response_ms: Math.round(calls.responseMs),
    requests: calls.requests,
    new_torrent_id: item.newTorrentId,
    detail: run.detail,
  };
  if (ctx.dryRun) {
    // The history says what a dry run planned; the candidate itself is left as it was.
    insertAttempt(deps.dbh.db, { ...record, dry_run: true, detail: { ...run.detail, plan: item.plan } });
    return item;
  }

  if (verdict.countAttempt) item.attempts = snapshot.attempts + 1;
  recordAttempt(
    deps.dbh.db,
    {
      candidateId: snapshot.id,
      patch: {
        state: verdict.state,
        attempts: item.attempts,
        dueAt,
        failure: item.failure,
        lastError: item.error,
        ...(item.newTorrentId ? { newTorrentId: item.newTorrentId } : {}),
        resolved: verdict.resolved,
      },
      attempt: record,
    },
    finished,
  );
  if (verdict.notify) {
    await notifyPermanentFailure(deps, target, item.failure ?? "unknown", item.error ?? "", item.attempts);
  }
  // The downloads loop runs the relink rounds: wake it for the look in the mount.
  if ((run.detail.relink as { state?: string } | undefined)?.state === "waiting") {
    deps.repairRuns.relinksPending = true;
    notifyChanged(deps);
  }
  deps.bus.publish("repair", "attempt", {
    candidateId: snapshot.id,
    torrentId: target.torrentId,
    outcome: item.outcome,
    failure: item.failure,
  });
  return item;
}

/** Runs the provider side of the attempt and, on a failure, the cleanup its verdict asks for. */
async function attempt(
  deps: Deps,
  target: RepairTarget,
  snapshot: CandidateSnapshot,
  ctx: RunContext,
  calls: CallMeter,
  item: ItemResult,
): Promise<AttemptRun> {
  const action = target.reason === "virus" ? "delete" : "reinject";
  try {
    if (target.reason === "virus") {
      await deleteVirus(deps, target, calls, ctx, item);
      return { action, verdict: verdictForResult(ctx.dryRun ? "planned" : "virus_deleted"), detail: {} };
    }
    // Read before the re-add gives the local rows the new id: the links into this torrent's files.
    const oldLinks = await oldLinksOf(deps, target, ctx);
    const result = await reinject(deps, target, { dryRun: ctx.dryRun, calls, signal: ctx.signal });
    if (result.kind === "planned") {
      item.links = await linksOfTorrent(deps, target, snapshot.knownLinks, ctx.links);
      const relinkStep =
        oldLinks.length > 0
          ? [
              `then wait for its files in the mount and rewrite ${oldLinks.length} link(s) to them (${oldLinks.map((l) => l.path).join(", ")}), then rescan`,
            ]
          : [];
      item.plan = {
        ...result.plan,
        steps: [
          ...result.plan.steps,
          ...relinkStep,
          item.links.length > 0
            ? `if the provider answers infringing_file: remove ${item.links.length} library link(s) and rescan`
            : "if the provider answers infringing_file: no library link points at it",
        ],
      };
      ctx.log(`dry run, ${target.filename || target.torrentId}: ${item.plan.steps.join(" → ")}`);
      const planned = oldLinks.map((l) => l.path);
      return {
        action,
        verdict: verdictForResult("planned"),
        detail: planned.length > 0 ? { relink: { state: "planned", planned } } : {},
      };
    }
    if (result.kind === "skipped") {
      item.error = result.why;
      return {
        action,
        verdict: verdictForResult("skipped"),
        detail: { why: result.why, status: result.status },
      };
    }
    item.newTorrentId = result.newTorrentId;
    ctx.log(`repaired ${target.filename || target.torrentId}: ${target.torrentId} → ${result.newTorrentId}`);
    const relink = oldLinks.length > 0 ? relinkPlan(oldLinks, result, target.filename) : null;
    if (relink)
      ctx.log(
        `${relink.links.length} link(s) wait for ${relink.rootName} in the mount${relink.left.length > 0 ? `, ${relink.left.length} cannot follow` : ""}`,
      );
    return {
      action,
      verdict: verdictForResult("repaired"),
      detail: {
        status: result.status,
        selection: result.selection,
        deletedOld: result.deletedOld,
        deleteError: result.deleteError,
        renamedLocal: result.renamedLocal,
        ...(relink ? { relink } : {}),
      },
    };
  } catch (error) {
    const failure = error instanceof RepairFailure ? error : classify(error);
    item.failure = failure.failure;
    item.error = failure.message;
    const verdict = verdictForFailure(failure.failure, {
      aborted: ctx.signal?.aborted ?? false,
      dryRun: ctx.dryRun,
      attempts: snapshot.attempts,
      maxAttempts: deps.config.repair.maxAttempts,
      message: failure.message,
    });
    const detail: Record<string, unknown> = {
      code: failure.code,
      ...(await cleanUp(deps, target, snapshot, ctx, calls, verdict, item)),
    };
    if (verdict.haltRun) ctx.halted ??= { failure: failure.failure, message: failure.message };
    ctx.log(
      `${target.filename || target.torrentId}: ${verdict.outcome} (${failure.failure}): ${failure.message}`,
      "warn",
    );
    return { action, verdict, detail };
  }
}

/** Links into the torrent's files; a library that cannot be walked does not stop the repair. */
async function oldLinksOf(deps: Deps, target: RepairTarget, ctx: RunContext): Promise<OldLink[]> {
  try {
    return await findOldLinks(deps, target, ctx.libraryLinks);
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    ctx.log(
      `links into ${target.filename || target.torrentId} not looked for: ${errorMessage(error)}`,
      "warn",
    );
    return [];
  }
}

/** A permanent failure's cleanup: library links (listed only in a dry run), the torrent at the provider. */
async function cleanUp(
  deps: Deps,
  target: RepairTarget,
  snapshot: CandidateSnapshot,
  ctx: RunContext,
  calls: CallMeter,
  verdict: Verdict,
  item: ItemResult,
): Promise<Record<string, unknown>> {
  const detail: Record<string, unknown> = {};
  if (verdict.cleanupLinks) {
    const cleanup = await removeTorrentLinks(deps, target, snapshot.knownLinks, ctx.links, {
      dryRun: ctx.dryRun,
    });
    item.links = cleanup.removed;
    ctx.removedLinks.push(...cleanup.removed);
    Object.assign(detail, {
      linksRemoved: cleanup.removed,
      linksRefused: cleanup.refused,
      note: cleanup.note,
    });
  }
  if (verdict.deleteTorrent) detail.deletedOld = await deleteQuietly(deps, target, calls);
  return detail;
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
    item.plan = {
      steps: old
        ? [`delete ${target.torrentId} (status ${old.status}) at the provider`, "mark it failed for good"]
        : [`${target.torrentId} is already gone at the provider`, "mark it failed for good"],
    };
    return;
  }
  await deleteQuietly(deps, target, calls, true);
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
  markTorrentDeleted(deps.dbh, target.provider, target.torrentId, deps.clock.now());
  return true;
}
