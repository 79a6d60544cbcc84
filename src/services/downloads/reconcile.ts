import {
  filesOf,
  filesWithStatus,
  torrentsDueAtProvider,
  torrentsInStages,
  updateFile,
  updateTorrent,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { queuePriority, TRANSFER_STAGES } from "../../domain/download-stage.ts";
import { formatBytes } from "../../lib/format.ts";
import type { DownloadEngine } from "./engine.ts";
import { processDeletions } from "./finish.ts";
import { hosterLinkStep } from "./hoster-link-step.ts";
import { isSymlinkMode } from "./mode.ts";
import { advancePostDownload, enterPostDownload } from "./post-download/runner.ts";
import { providerStep } from "./provider-step.ts";
import { applySpeedLimit } from "./speed-limit.ts";
import { pollTransfers, queueItem, retryDue } from "./transfer.ts";

/**
 * One pass of the download reconciler: the database holds what is wanted (paused, deleted,
 * priorities), aria2c holds what runs; each tick brings aria2c in line and writes progress back.
 * Returns whether anything is in flight (the loop polls faster then).
 */
export async function reconcileTick(deps: Deps, engine: DownloadEngine): Promise<{ busy: boolean }> {
  await processDeletions(deps, engine);
  await applySpeedLimit(deps, engine);
  await stopUnwanted(deps, engine);
  await pollTransfers(deps, engine);
  await watchDisk(deps, engine);
  enqueuePending(deps, engine);
  enterPostDownload(deps);
  advancePostDownload(deps, engine);
  const snapshot = engine.queue.snapshot();
  return { busy: snapshot.running.length > 0 || snapshot.waiting > 0 };
}

/** Paused, failed and deleted torrents keep nothing running in aria2c (partial data stays). */
async function stopUnwanted(deps: Deps, engine: DownloadEngine): Promise<void> {
  for (const torrent of torrentsInStages(deps.dbh.db, ["waiting", "downloading", "error"])) {
    if (!torrent.paused && torrent.stage !== "error") continue;
    for (const file of filesOf(deps.dbh.db, torrent.hash)) {
      engine.queue.cancel(String(file.id));
      if (file.status !== "active") continue;
      if (!engine.aria2Ready()) continue;
      await engine.aria2.forget(file.gid);
      engine.speeds.forget(file.gid);
      updateFile(deps.dbh.db, file.id, { status: "pending", speed: 0 });
    }
    if (torrent.speed !== 0) updateTorrent(deps.dbh.db, torrent.hash, { speed: 0 });
  }
}

/** Files ready to download go to the size-aware queue (a no-op for those already in it). */
function enqueuePending(deps: Deps, engine: DownloadEngine): void {
  const now = deps.clock.now();
  for (const torrent of torrentsInStages(deps.dbh.db, TRANSFER_STAGES)) {
    // Symlink mode links the files from the mount (symlink-step.ts): nothing for aria2c.
    if (torrent.paused || isSymlinkMode(deps.config.downloads, torrent)) continue;
    for (const file of filesOf(deps.dbh.db, torrent.hash)) {
      const id = String(file.id);
      if (file.status !== "pending") continue;
      if (engine.queue.has(id)) {
        engine.queue.setPriority(id, queuePriority(torrent));
        continue;
      }
      if (retryDue(deps, file.id, now)) engine.queue.enqueue(queueItem(deps, engine, file, torrent));
    }
  }
}

/**
 * While downloading: if free space falls under DOWNLOAD_MIN_FREE_SPACE (something else filled
 * the disk), stop the transfers with a clear message; the queue starts them again once there is
 * room. When room is back, the message goes.
 */
async function watchDisk(deps: Deps, engine: DownloadEngine): Promise<void> {
  const { incompleteDir, minFreeSpace } = deps.config.downloads;
  const space = await engine.space(incompleteDir);
  const db = deps.dbh.db;
  if (space.free < minFreeSpace) {
    const active = filesWithStatus(db, ["active"]);
    if (active.length === 0 || !engine.aria2Ready()) return;
    const message = `Paused: the disk is nearly full (${formatBytes(space.free)} free in ${incompleteDir}, DOWNLOAD_MIN_FREE_SPACE is ${formatBytes(minFreeSpace)}); resumes when space is back`;
    deps.log.warn({ free: space.free, minFreeSpace }, "disk nearly full: pausing downloads");
    for (const file of active) {
      await engine.aria2.forget(file.gid);
      engine.speeds.forget(file.gid);
      engine.queue.release(String(file.id));
      updateFile(db, file.id, { status: "pending", speed: 0 });
      updateTorrent(db, file.hash, { blocked: "disk", message, speed: 0 });
    }
    return;
  }
  if (engine.queue.snapshot().held) return;
  for (const torrent of torrentsInStages(db, TRANSFER_STAGES)) {
    if (torrent.blocked === "disk") updateTorrent(db, torrent.hash, { blocked: null, message: null });
  }
}

/** Provider work due now, a few torrents at a time (each is one or two API calls). */
export async function providerRound(deps: Deps, concurrency = 4): Promise<number> {
  const due = torrentsDueAtProvider(deps.dbh.db, deps.clock.now(), 50);
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const torrent = due[next++];
      if (!torrent) break;
      try {
        // A file host link has no torrent: its own provider half (hoster-link-step.ts).
        if (torrent.source_kind === "link") await hosterLinkStep(deps, torrent);
        else await providerStep(deps, torrent);
      } catch (error) {
        deps.log.error({ hash: torrent.hash, err: error }, "provider step failed");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
  return due.length;
}
