import {
  type DownloadTorrentRow,
  filesOf,
  torrentsInStages,
  updateFile,
  updateTorrent,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { moveTo } from "../../domain/download-stage.ts";
import { backoffDelayMs } from "../../lib/backoff.ts";
import { formatDuration } from "../../lib/format.ts";
import { DOWNLOADS_TOPIC } from "./events.ts";
import { writeLinks } from "./link.ts";
import { isSymlinkMode, mountPathFor } from "./mode.ts";
import { locateInMount } from "./mount-locate.ts";
import { hookStep } from "./postprocess/hook-step.ts";
import { archivesNotExtracted } from "./postprocess/symlink-post.ts";

/**
 * Symlink mode, after the provider said the torrent is ready: wait for its files to show in the
 * debrid mount (it refreshes on its own schedule), then link them. The same stages as a download
 * (waiting → moving → done | error); only the filesystem is touched here, never the provider's
 * API, so a slow mount costs no request and no rate limit.
 */

/**
 * One torrent waiting on the mount. In memory; after a restart the wait starts afresh (a full
 * SYMLINK_MOUNT_TIMEOUT) with the provider's name from the row (mount_name).
 */
export interface MountWait {
  since: number;
  looks: number;
  nextAt: number;
  /** Names the torrent may have in the mount: the provider's, beside the row's. */
  names: string[];
}

/** Backoff between looks: fast at first (a mount often shows the files within seconds), then calmer. */
export function lookDelayMs(timeoutMs: number, looks: number): number {
  const baseMs = Math.min(2_000, Math.max(100, timeoutMs / 40));
  const maxMs = Math.min(30_000, Math.max(baseMs, timeoutMs / 8));
  return backoffDelayMs({ baseMs, maxMs, jitter: "none" }, looks);
}

/** Called when the provider has the files: remember the provider's name for the torrent. */
export function startMountWait(deps: Deps, hash: string, providerName: string | undefined): void {
  const now = deps.clock.now();
  deps.downloads.mountWaits.set(hash, {
    since: now,
    looks: 0,
    nextAt: now,
    names: providerName ? [providerName] : [],
  });
}

/** Symlink-mode torrents in `waiting` (or cut short in `moving`) whose next look is due. */
export async function mountRound(deps: Deps): Promise<number> {
  const config = deps.config.downloads;
  const waits = deps.downloads.mountWaits;
  const seen = new Set<string>();
  let worked = 0;
  for (const torrent of torrentsInStages(deps.dbh.db, ["waiting", "moving"])) {
    if (!isSymlinkMode(config, torrent)) continue;
    seen.add(torrent.hash);
    if (torrent.paused) continue;
    const now = deps.clock.now();
    let wait = waits.get(torrent.hash);
    if (!wait) {
      // After a restart: the wait starts afresh, under the provider's name kept on the row.
      wait = { since: now, looks: 0, nextAt: now, names: torrent.mount_name ? [torrent.mount_name] : [] };
      waits.set(torrent.hash, wait);
    }
    if (now < wait.nextAt) continue;
    worked++;
    await lookAndLink(deps, torrent, wait);
  }
  // Nothing stays for torrents gone, paused past their stage, failed or done: memory stays flat.
  for (const hash of waits.keys()) if (!seen.has(hash)) waits.delete(hash);
  return worked;
}

async function lookAndLink(deps: Deps, torrent: DownloadTorrentRow, wait: MountWait): Promise<void> {
  const config = deps.config.downloads;
  const mount = mountPathFor(config, torrent.provider);
  if (!mount)
    return fail(
      deps,
      torrent,
      `symlink mode needs the mount of ${torrent.provider ?? "the provider"}'s library: set SYMLINK_MOUNT_PATH (or SYMLINK_MOUNT_PATHS=${torrent.provider ?? "provider"}=/mnt/...)`,
    );
  const files = filesOf(deps.dbh.db, torrent.hash);
  if (files.length === 0) return fail(deps, torrent, "the provider listed no files to link");
  const rootName = torrent.root_name ?? torrent.name;
  const lookup = await locateInMount(
    mount,
    [...wait.names, torrent.name, rootName],
    rootName,
    files.map((f) => ({ id: f.id, path: f.path, size: f.size })),
  );
  wait.looks++;
  const now = deps.clock.now();
  if (lookup.found.size < files.length) {
    const waited = now - wait.since;
    const timeout = config.linking.mountTimeoutMs;
    const where = `looked for "${rootName}" in ${lookup.lookedIn.join(", ")}`;
    if (waited >= timeout)
      return fail(
        deps,
        torrent,
        `the files did not appear in the mount within ${formatDuration(timeout)} (SYMLINK_MOUNT_TIMEOUT): ${lookup.found.size}/${files.length} found; ${where}`,
      );
    wait.nextAt = Math.min(now + lookDelayMs(timeout, wait.looks), wait.since + timeout);
    updateTorrent(deps.dbh.db, torrent.hash, {
      message: `waiting for the files in the mount ${mount} (${lookup.found.size}/${files.length} there, ${formatDuration(waited)} of ${formatDuration(timeout)})`,
    });
    return;
  }
  updateTorrent(deps.dbh.db, torrent.hash, {
    ...moveTo(torrent.stage, "moving"),
    message: `linking ${files.length} file${files.length === 1 ? "" : "s"} from the mount`,
  });
  try {
    const contentPath = await writeLinks(config, {
      hash: torrent.hash,
      savePath: torrent.save_path,
      rootName,
      mount,
      files: files.map((f) => ({ path: f.path, size: f.size, target: lookup.found.get(f.id) as string })),
    });
    finish(deps, torrent, contentPath, files);
  } catch (error) {
    fail(deps, { ...torrent, stage: "moving" }, `could not link the files: ${(error as Error).message}`);
  }
}

function finish(
  deps: Deps,
  torrent: DownloadTorrentRow,
  contentPath: string,
  files: Array<{ id: number; size: number }>,
): void {
  const db = deps.dbh.db;
  const now = deps.clock.now();
  for (const file of files) updateFile(db, file.id, { status: "complete", completed: file.size });
  // Archives stay as they are (the mount is read-only): why is shown on the torrent.
  const note = archivesNotExtracted(deps, torrent);
  const common = { content_path: contentPath, downloaded: torrent.size, speed: 0, blocked: null };
  deps.downloads.mountWaits.delete(torrent.hash);
  deps.log.info({ hash: torrent.hash, path: contentPath, files: files.length }, "linked from the mount");
  if (hookStep.wanted(deps, torrent)) {
    // DOWNLOAD_ON_COMPLETE runs on the links; the runner finishes the torrent after it.
    updateTorrent(db, torrent.hash, { ...moveTo("moving", "hook"), ...common, message: note });
    return;
  }
  updateTorrent(db, torrent.hash, {
    ...moveTo("moving", "done"),
    ...common,
    completion_on: now,
    last_activity: now,
    message: note,
  });
  deps.bus.publish(DOWNLOADS_TOPIC, "completed", {
    hash: torrent.hash,
    name: torrent.name,
    path: contentPath,
  });
}

function fail(deps: Deps, torrent: DownloadTorrentRow, error: string): void {
  updateTorrent(deps.dbh.db, torrent.hash, {
    ...moveTo(torrent.stage, "error"),
    error,
    message: null,
    fail_reason: "other",
    failed_at: deps.clock.now(),
  });
  deps.downloads.mountWaits.delete(torrent.hash);
  deps.log.error({ hash: torrent.hash, name: torrent.name, error }, "symlink download failed");
}
