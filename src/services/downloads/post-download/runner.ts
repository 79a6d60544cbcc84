import {
  type DownloadTorrentRow,
  filesOf,
  getTorrent,
  type TorrentPatch,
  torrentsInStages,
  updateTorrent,
} from "../../../db/repo/downloads.ts";
import type { Deps } from "../../../deps.ts";
import {
  type DownloadStage,
  moveTo,
  POST_DOWNLOAD_STAGES,
  TRANSFER_STAGES,
} from "../../../domain/download-stage.ts";
import { isDiskFull } from "../../../domain/grab-failure.ts";
import type { DownloadEngine } from "../engine.ts";
import { DOWNLOADS_TOPIC } from "../events.ts";
import { isSymlinkMode } from "../mode.ts";
import { archivesNotExtracted } from "../postprocess/symlink-post.ts";
import { type PostDownloadStep, type RunningStep, StepFailed } from "./step.ts";
import { POST_DOWNLOAD_STEPS } from "./steps.ts";

/** The first step after `index` this torrent wants (null: it is finished). */
function nextStep(deps: Deps, torrent: DownloadTorrentRow, index: number): PostDownloadStep | null {
  for (const step of POST_DOWNLOAD_STEPS.slice(index + 1)) if (step.wanted(deps, torrent)) return step;
  return null;
}

/** Torrents whose files are all on disk enter the steps after the download (steps.ts). */
export function enterPostDownload(deps: Deps): void {
  for (const torrent of torrentsInStages(deps.dbh.db, [...TRANSFER_STAGES])) {
    if (torrent.paused || isSymlinkMode(deps.config.downloads, torrent)) continue;
    const files = filesOf(deps.dbh.db, torrent.hash);
    if (files.length === 0 || files.some((f) => f.status !== "complete")) continue;
    enter(deps, torrent);
  }
}

function enter(deps: Deps, torrent: DownloadTorrentRow): void {
  // The first step (the move out of the incomplete folder) is never skipped.
  const first = nextStep(deps, torrent, -1);
  if (!first) throw new Error(`no step after the download wants ${torrent.hash}`);
  updateTorrent(deps.dbh.db, torrent.hash, {
    ...moveTo(torrent.stage, first.stage),
    speed: 0,
    message: null,
  });
}

/**
 * Starts the step of every torrent in a post-download stage that is not running yet (after a
 * restart too: each step can be run again from its start). Never waits for a step. A paused
 * torrent starts no step, and its step that stops on pause (the extraction) is stopped.
 */
export function advancePostDownload(deps: Deps, engine: DownloadEngine): void {
  const running = deps.downloads.postSteps;
  for (const torrent of torrentsInStages(deps.dbh.db, [...POST_DOWNLOAD_STAGES])) {
    const entry = running.get(torrent.hash);
    if (entry) {
      if (torrent.paused && entry.stopsOnPause && !entry.abort.signal.aborted)
        stopForPause(deps, torrent, entry);
      continue;
    }
    if (torrent.paused) continue;
    // Symlink mode links the files from the mount in its own step (symlink-step.ts); only
    // DOWNLOAD_ON_COMPLETE runs after it here, on the links.
    if (isSymlinkMode(deps.config.downloads, torrent) && torrent.stage !== "hook") continue;
    const index = POST_DOWNLOAD_STEPS.findIndex((s) => s.stage === torrent.stage);
    const step = POST_DOWNLOAD_STEPS[index];
    if (!step) continue;
    start(deps, engine, torrent, step, index);
  }
}

function stopForPause(deps: Deps, torrent: DownloadTorrentRow, entry: RunningStep): void {
  entry.abort.abort(new Error("paused"));
  updateTorrent(deps.dbh.db, torrent.hash, {
    message: `Paused during the ${entry.step}: it starts again from the beginning when resumed`,
  });
  deps.log.info({ hash: torrent.hash, step: entry.step }, "post-download step stopped by a pause");
}

function start(
  deps: Deps,
  engine: DownloadEngine,
  torrent: DownloadTorrentRow,
  step: PostDownloadStep,
  index: number,
): void {
  const abort = new AbortController();
  const entry: RunningStep = {
    step: step.name,
    stopsOnPause: step.stopsOnPause === true,
    abort,
    done: Promise.resolve(),
    progress: null,
  };
  let lastMessage: string | null = null;
  const progress = (fraction: number, message: string) => {
    entry.progress = Math.max(0, Math.min(1, fraction));
    if (message === lastMessage || abort.signal.aborted) return;
    lastMessage = message;
    updateTorrent(deps.dbh.db, torrent.hash, { message });
  };
  entry.done = step
    .run({ deps, engine, torrent, signal: abort.signal, progress })
    .then((patch) => {
      if (abort.signal.aborted) return;
      const after = { ...torrent, ...patch };
      const next = nextStep(deps, after, index);
      if (!next) return finish(deps, after, step.stage, patch ?? {});
      updateTorrent(deps.dbh.db, torrent.hash, {
        ...patch,
        message: patch?.message ?? null,
        ...moveTo(step.stage, next.stage),
      });
    })
    .catch((error) => {
      if (abort.signal.aborted) return;
      const reason =
        error instanceof StepFailed ? error.message : `${step.name} failed: ${(error as Error).message}`;
      const stage = getTorrent(deps.dbh.db, torrent.hash)?.stage ?? step.stage;
      updateTorrent(deps.dbh.db, torrent.hash, {
        ...moveTo(stage, "error"),
        error: reason,
        message: null,
        // Local trouble (move, extract, hook): the *arr replacement policy waits on it by default.
        fail_reason: isDiskFull(reason) ? "disk_full" : "other",
        failed_at: deps.clock.now(),
      });
      deps.log.error(
        { hash: torrent.hash, step: step.name, err: reason },
        "download failed after the transfer",
      );
    })
    .finally(() => {
      deps.downloads.postSteps.delete(torrent.hash);
      engine.kick();
    });
  deps.downloads.postSteps.set(torrent.hash, entry);
}

/** The last step is done: files in place, the torrent finished (qBit pausedUP). */
function finish(deps: Deps, torrent: DownloadTorrentRow, from: DownloadStage, patch: TorrentPatch): void {
  const now = deps.clock.now();
  // Symlink mode: why its archives were not extracted stays beside the command's outcome.
  const note = isSymlinkMode(deps.config.downloads, torrent) ? archivesNotExtracted(deps, torrent) : null;
  const message = [note, patch.message].filter(Boolean).join(" · ") || null;
  const path = patch.content_path ?? torrent.content_path;
  updateTorrent(deps.dbh.db, torrent.hash, {
    ...moveTo(from, "done"),
    content_path: path,
    completion_on: now,
    last_activity: now,
    downloaded: torrent.size,
    speed: 0,
    message,
    blocked: null,
  });
  deps.log.info({ hash: torrent.hash, path }, "download complete");
  deps.bus.publish(DOWNLOADS_TOPIC, "completed", { hash: torrent.hash, name: torrent.name, path });
}
