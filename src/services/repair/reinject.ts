import { localFiles, localTorrent, replaceTorrentId } from "../../db/repo/repair-library.ts";
import type { Deps } from "../../deps.ts";
import { buildMagnet, normalizeInfoHash } from "../../domain/magnet.ts";
import { errorMessage } from "../../errors.ts";
import {
  ACTIVE_STATUSES,
  type DebridProvider,
  ProviderError,
  type ProviderFile,
  type ProviderKind,
  type ProviderTorrentInfo,
  type RequestMeter,
} from "../../providers/types.ts";
import { classify, failureForStatus, RepairFailure } from "./policy.ts";
import { chooseFiles, describePlannedSelection, type Selection } from "./select.ts";

/** One torrent to repair, as a run or the "re-inject now" button sees it. */
export interface RepairTarget {
  candidateId: number | null;
  provider: ProviderKind;
  torrentId: string;
  hash: string | null;
  filename: string;
  reason: string;
  /** Re-inject even if the torrent looks healthy now (the user asked). */
  force: boolean;
}

/** Provider time and HTTP requests (retries included) spent on one attempt. */
export interface CallMeter extends RequestMeter {
  responseMs: number;
}

export interface ReinjectPlan {
  magnet: string;
  oldTorrentId: string;
  oldStatus: string | null;
  select: string;
  steps: string[];
}

export type ReinjectResult =
  | {
      kind: "repaired";
      newTorrentId: string;
      /** The re-added torrent's name at the provider (its folder in the mount) and files. */
      newFilename: string;
      files: ProviderFile[];
      status: string;
      selection: Selection;
      deletedOld: boolean;
      /** Why the old torrent is still there, when its deletion failed. */
      deleteError: string | null;
      renamedLocal: boolean;
    }
  | { kind: "skipped"; why: string; status: string | null }
  | { kind: "planned"; plan: ReinjectPlan };

const CONFIRMED = new Set(["queued", "downloading", "compressing", "uploading", "downloaded"]);

/** Wraps provider calls to measure them: time here, HTTP requests where the client sends them. */
export function meter(deps: Deps, calls: CallMeter) {
  return async <T>(call: () => Promise<T>): Promise<T> => {
    const started = deps.clock.now();
    try {
      return await deps.providers.metered(calls, call);
    } finally {
      calls.responseMs += deps.clock.now() - started;
    }
  };
}

/** The torrent's current info, or null when the provider no longer has it. */
export async function currentInfo(
  provider: DebridProvider,
  id: string,
  timed: ReturnType<typeof meter>,
): Promise<ProviderTorrentInfo | null> {
  try {
    return await timed(() => provider.getTorrent(id));
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "not_found") return null;
    throw error;
  }
}

/**
 * Re-adds a torrent by hash, done right: validate the hash, build the magnet, addMagnet, wait for
 * file selection, select the same files as the original (or the video files), confirm it reaches
 * the queue, delete the old torrent, then give the local rows the new id. A dry run reads the old
 * torrent and returns the plan without changing anything. Throws a classified RepairFailure; a
 * re-added torrent that did not make it is deleted again so no half-repair is left behind.
 */
export async function reinject(
  deps: Deps,
  target: RepairTarget,
  options: { dryRun: boolean; calls: CallMeter; signal?: AbortSignal },
): Promise<ReinjectResult> {
  const provider = deps.providers.require(target.provider);
  const timed = meter(deps, options.calls);
  const old = await currentInfo(provider, target.torrentId, timed).catch((error) => {
    throw classify(error);
  });
  const local = localTorrent(deps.dbh, target.provider, target.torrentId);
  const hash = normalizeInfoHash(old?.hash ?? target.hash ?? local?.hash ?? "");
  if (!hash) {
    throw new RepairFailure(
      "invalid_hash",
      `no valid info-hash for ${target.torrentId} (40 hex or 32 base32 expected)`,
    );
  }
  if (old && !target.force) {
    const healthy =
      (old.status === "downloaded" && target.reason === "broken_symlink") ||
      ACTIVE_STATUSES.includes(old.status) ||
      (old.status === "downloaded" && !["link_unavailable", "manual"].includes(target.reason));
    if (healthy) {
      return {
        kind: "skipped",
        status: old.status,
        why:
          target.reason === "broken_symlink"
            ? "the torrent is downloaded at the provider: the link target is missing locally (check the mount)"
            : `the torrent is ${old.status} at the provider now`,
      };
    }
  }
  if (old?.status === "virus") {
    // Found for another reason (a broken link), but the provider flags it: never re-add a virus.
    throw new RepairFailure("virus", "flagged as a virus by the provider: deleted, not re-added", "virus");
  }
  const originalSelected = originalSelection(deps, target, old);
  const magnet = buildMagnet(hash, target.filename || old?.filename || null);

  if (options.dryRun) {
    const select = describePlannedSelection(originalSelected);
    return {
      kind: "planned",
      plan: {
        magnet,
        oldTorrentId: target.torrentId,
        oldStatus: old?.status ?? null,
        select,
        steps: [
          `add ${magnet}`,
          "wait for waiting_files_selection",
          `select ${select}`,
          "wait for queued/downloading/downloaded",
          old
            ? `delete the old torrent ${target.torrentId}`
            : `old torrent ${target.torrentId} is already gone`,
          local
            ? `local rows: ${target.torrentId} becomes the new id`
            : "local rows: none yet (next sync adds it)",
        ],
      },
    };
  }

  let added: { id: string };
  try {
    added = await timed(() => provider.addMagnet(magnet));
  } catch (error) {
    throw classify(error);
  }
  let latest: ProviderTorrentInfo;
  let selection: Selection;
  try {
    const ready = await waitFor(
      deps,
      provider,
      added.id,
      timed,
      options.signal,
      "waiting_files_selection",
      (s) => s === "waiting_files_selection" || CONFIRMED.has(s),
    );
    // A cached torrent may already be past file selection: then it is confirmed as it is.
    latest = ready;
    selection = { ids: "all", basis: "all", paths: ready.files.filter((f) => f.selected).map((f) => f.path) };
    if (ready.status === "waiting_files_selection") {
      const chosen = chooseFiles(ready.files, originalSelected);
      selection = chosen;
      await timed(() => provider.selectFiles(added.id, chosen.ids));
      latest = await waitFor(deps, provider, added.id, timed, options.signal, "queued", (s) =>
        CONFIRMED.has(s),
      );
    }
  } catch (error) {
    const failure = classify(error);
    // Leave no half-repaired duplicate behind; the old torrent stays until a re-add succeeds.
    try {
      await timed(() => provider.deleteTorrent(added.id));
    } catch (cleanup) {
      deps.log.warn(
        { id: added.id, err: errorMessage(cleanup) },
        "could not delete the failed re-added torrent",
      );
    }
    throw new RepairFailure(
      failure.failure,
      `${failure.message} (re-added as ${added.id}, deleted again)`,
      failure.code,
      {
        cause: error,
      },
    );
  }
  // The new torrent is confirmed: from here on nothing undoes it.
  let deletedOld = false;
  let deleteError: string | null = null;
  if (old) {
    try {
      await timed(() => provider.deleteTorrent(target.torrentId));
      deletedOld = true;
    } catch (error) {
      if (error instanceof ProviderError && error.kind === "not_found") deletedOld = true;
      else {
        deleteError = errorMessage(error);
        deps.log.warn(
          { id: target.torrentId, err: deleteError },
          "repaired, but the old torrent could not be deleted",
        );
      }
    }
  }
  let renamed = false;
  try {
    renamed = replaceTorrentId(
      deps.dbh,
      { oldId: target.torrentId, provider: target.provider, info: latest },
      deps.clock.now(),
    ).renamed;
  } catch (error) {
    // The provider side is done and must not be redone: the next sync brings the local rows up.
    deps.log.error(
      { oldId: target.torrentId, newId: added.id, err: errorMessage(error) },
      "local rows not renamed",
    );
  }
  return {
    kind: "repaired",
    newTorrentId: added.id,
    newFilename: latest.filename,
    files: latest.files,
    status: latest.status,
    selection,
    deletedOld,
    deleteError,
    renamedLocal: renamed,
  };
}

/** The files the original torrent had selected: from the provider, else from the local mirror. */
function originalSelection(deps: Deps, target: RepairTarget, old: ProviderTorrentInfo | null) {
  const fromProvider = (old?.files ?? []).filter((f) => f.selected).map((f) => ({ id: f.id, path: f.path }));
  if (fromProvider.length > 0) return fromProvider;
  return localFiles(deps.dbh, target.provider, target.torrentId)
    .filter((f) => f.selected)
    .map((f) => ({ id: f.file_id, path: f.path }));
}

/** Polls the torrent until `done(status)`; a failed status or the timeout ends it as a failure. */
async function waitFor(
  deps: Deps,
  provider: DebridProvider,
  id: string,
  timed: ReturnType<typeof meter>,
  signal: AbortSignal | undefined,
  label: string,
  done: (status: string) => boolean,
): Promise<ProviderTorrentInfo> {
  const { pollIntervalMs, waitTimeoutMs } = deps.config.repair;
  const started = deps.clock.now();
  for (;;) {
    const info = await timed(() => provider.getTorrent(id, { signal }));
    if (done(info.status)) return info;
    const failed = failureForStatus(info.status);
    if (failed) throw new RepairFailure(failed, `the re-added torrent ended in ${info.status}`, info.status);
    if (deps.clock.now() - started >= waitTimeoutMs) {
      throw new RepairFailure(
        "timeout",
        `the re-added torrent was still ${info.status} after ${Math.round(waitTimeoutMs / 1000)} s (waiting for ${label})`,
      );
    }
    await deps.clock.sleep(pollIntervalMs, signal);
  }
}
