import {
  type ArrReplacementInput,
  type GrabToReplace,
  grabsToReplace,
  replacementsOfTitle,
  saveReplacement,
} from "../../db/repo/arr-replacements.ts";
import type { Deps } from "../../deps.ts";
import { GRAB_FAILURE_REASONS } from "../../domain/grab-failure.ts";
import { errorMessage } from "../../errors.ts";
import { notify } from "../notifications/index.ts";
import { type ArrTarget, arrTargetsForCategory } from "./replace-target.ts";
import type { ArrQueueRecord } from "./types.ts";

/** A grab not (yet) in any queue, or an *arr that failed, is looked at again this often... */
export const REPLACE_RETRY_MS = 2 * 60_000;
/** ...this many times in all (the *arr refreshes its queue from the client every minute or so). */
export const REPLACE_MAX_TRIES = 5;

/**
 * Failed grabs replaced through Sonarr/Radarr (issue 18): for each torrent failed for good for a
 * reason the policy (ARR_REPLACE_POLICY) says to replace, find it in the *arr's queue by its
 * download id and remove it there with blocklist=true&skipRedownload=false, so the *arr never
 * takes that release again and searches the next one at once. At most once per failure (the
 * attempt row is keyed by the failure), at most ARR_MAX_REPLACEMENTS per title, commands
 * rate-limited by the client (ARR_COMMANDS_PER_MINUTE). A dry run records the plan only.
 * Returns the number of grabs looked at. The downloads loop calls it, one round at a time.
 */
export async function replaceRound(deps: Deps, signal?: AbortSignal): Promise<number> {
  const config = deps.config.arrReplace;
  if (!config.enabled) return 0;
  const reasons = GRAB_FAILURE_REASONS.filter((r) => config.policy[r] === "replace");
  const due = grabsToReplace(deps.dbh.db, reasons, config.dryRun, deps.clock.now());
  for (const grab of due) {
    signal?.throwIfAborted();
    await replaceGrab(deps, grab, signal);
  }
  return due.length;
}

type Outcome = ArrReplacementInput["outcome"];

async function replaceGrab(deps: Deps, grab: GrabToReplace, signal?: AbortSignal): Promise<void> {
  const dryRun = deps.config.arrReplace.dryRun;
  const tries = grab.tries + 1;
  const save = (outcome: Outcome, extra: Partial<ArrReplacementInput> = {}) => {
    const now = deps.clock.now();
    const retry = (outcome === "not_in_queue" || outcome === "failed") && tries < REPLACE_MAX_TRIES;
    saveReplacement(deps.dbh.db, grab.attemptId, {
      hash: grab.hash,
      name: grab.name,
      category: grab.category,
      reason: grab.reason,
      failed_at: grab.failedAt,
      dry_run: dryRun,
      outcome,
      tries,
      next_try_at: retry ? now + REPLACE_RETRY_MS : null,
      created_at: now,
      updated_at: now,
      ...extra,
    });
  };

  const targets = await arrTargetsForCategory(deps, grab.category);
  if (targets.length === 0) return save("no_arr");
  const found = await findInQueues(deps, targets, grab.hash, signal);
  if (!found.target || !found.records[0]) {
    return found.error ? save("failed", { error: found.error }) : save("not_in_queue");
  }
  const { target, records } = found;
  const record = records[0] as ArrQueueRecord;
  const titleKey = titleKeyOf(target, records);
  const where = {
    arr_kind: target.kind,
    arr_url: target.url,
    queue_id: record.id,
    title_key: titleKey,
    title: record.title || grab.name,
  };
  const done = replacementsOfTitle(deps.dbh.db, target.url, titleKey);
  const max = deps.config.arrReplace.maxReplacements;
  if (done >= max) {
    save("capped", { ...where, error: `${done} replacements already (ARR_MAX_REPLACEMENTS=${max})` });
    if (!dryRun) await notifyStopped(deps, grab, target, where.title, done);
    return;
  }
  if (dryRun) return save("planned", where);
  try {
    await target.client.removeFromQueue(
      record.id,
      { blocklist: true, skipRedownload: deps.config.arr.neverSearch },
      signal,
    );
  } catch (error) {
    if (signal?.aborted) throw error;
    deps.log.warn({ hash: grab.hash, kind: target.kind, err: errorMessage(error) }, "arr replacement failed");
    return save("failed", { ...where, error: errorMessage(error) });
  }
  save("replaced", where);
  deps.log.info(
    { hash: grab.hash, kind: target.kind, queueId: record.id, reason: grab.reason },
    "failed grab removed from the arr queue with blocklist; it searches another release",
  );
  await notify(deps, {
    type: "grab_replaced",
    title: `${target.name} looks for another release`,
    message: `${grab.name} failed (${grab.reason.replaceAll("_", " ")}): removed from the ${target.name} queue and blocklisted${deps.config.arr.neverSearch ? " (no new search: ARR_NEVER_SEARCH)" : "; another release is searched"}.`,
    data: {
      hash: grab.hash,
      reason: grab.reason,
      arr: target.kind,
      queueId: record.id,
      replacements: done + 1,
    },
  });
}

async function findInQueues(deps: Deps, targets: ArrTarget[], hash: string, signal?: AbortSignal) {
  const errors: string[] = [];
  for (const target of targets) {
    try {
      const records = await target.client.queueRecordsFor(hash, signal);
      if (records.length > 0) return { target, records, error: null };
    } catch (error) {
      if (signal?.aborted) throw error;
      errors.push(errorMessage(error));
    }
  }
  deps.log.debug({ hash, errors }, "failed grab not found in any arr queue");
  return { target: null, records: [], error: errors.length > 0 ? errors.join("; ") : null };
}

/** What ARR_MAX_REPLACEMENTS counts per: the episodes (Sonarr) or the movie (Radarr) of the grab. */
function titleKeyOf(target: ArrTarget, records: ArrQueueRecord[]): string {
  const first = records[0] as ArrQueueRecord;
  if (target.kind === "radarr" && first.movieId !== undefined) return `movie:${first.movieId}`;
  const episodes = [...new Set(records.flatMap((r) => (r.episodeId === undefined ? [] : [r.episodeId])))];
  if (episodes.length > 0) return `episodes:${episodes.sort((a, b) => a - b).join(",")}`;
  if (first.seriesId !== undefined) return `series:${first.seriesId}`;
  return `release:${first.title}`;
}

async function notifyStopped(
  deps: Deps,
  grab: GrabToReplace,
  target: ArrTarget,
  title: string,
  done: number,
): Promise<void> {
  deps.log.warn({ hash: grab.hash, kind: target.kind, done }, "replacement cap reached: left to a person");
  await notify(deps, {
    type: "grab_replacements_stopped",
    title: "Failed grabs keep failing: no more replacements",
    message: `${grab.name} failed (${grab.reason.replaceAll("_", " ")}) after ${done} replacements of ${title} in ${target.name}; Redriva stops here (ARR_MAX_REPLACEMENTS). It stays in the ${target.name} queue for you to decide.`,
    data: { hash: grab.hash, reason: grab.reason, arr: target.kind, replacements: done },
  });
}
