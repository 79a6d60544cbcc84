import { existsSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, join } from "node:path";
import {
  changedFields,
  type DownloadFile,
  type DownloadTorrentRow,
  filesByGids,
  filesOfMany,
  filesWithStatus,
  getFile,
  getTorrent,
  inTransaction,
  updateFile,
  updateTorrent,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { inTransferStage, moveTo, queuePriority } from "../../domain/download-stage.ts";
import { isDiskFull } from "../../domain/grab-failure.ts";
import { Aria2RpcError, type Aria2Status } from "../../downloader/aria2/rpc.ts";
import { downloadOptions } from "../../downloader/profile.ts";
import type { QueueItem } from "../../downloader/queue.ts";
import { backoffDelayMs } from "../../lib/backoff.ts";
import { formatBytes } from "../../lib/format.ts";
import type { ProviderKind } from "../../providers/types.ts";
import type { DownloadEngine } from "./engine.ts";
import { fileLayoutPath, incompleteFolder } from "./paths.ts";
import { finalDiskShortage } from "./staging/room.ts";

/** aria2's "not enough disk space" (https://aria2.github.io/manual/en/html/aria2c.html#exit-status). */
const ARIA2_DISK_FULL = "9";

export function queueItem(
  deps: Deps,
  engine: DownloadEngine,
  file: DownloadFile,
  torrent: DownloadTorrentRow,
): QueueItem {
  return {
    id: String(file.id),
    size: file.size,
    priority: queuePriority(torrent),
    hasSpace: () => hasSpaceFor(deps, engine, file.id),
    start: () => startFile(deps, engine, file.id),
  };
}

/** Free space for the rest of the file plus DOWNLOAD_MIN_FREE_SPACE; says why on the torrent when not. */
async function hasSpaceFor(deps: Deps, engine: DownloadEngine, fileId: number): Promise<boolean> {
  const file = getFile(deps.dbh.db, fileId);
  if (!file) return true; // gone: start() will notice
  const { incompleteDir, minFreeSpace } = deps.config.downloads;
  const space = await engine.space(incompleteDir);
  // Room an extraction has reserved is not free (counted whatever its disk: the safe side).
  const reserved = [...deps.downloads.reservedBytes.values()].reduce((n, b) => n + b, 0);
  const need = Math.max(0, file.size - file.completed) + minFreeSpace + reserved;
  const torrent = getTorrent(deps.dbh.db, file.hash);
  // SSD staging: the final disk is checked too (staging/room.ts).
  const finalShortage = torrent ? await finalDiskShortage(deps, engine, torrent) : null;
  if (space.free >= need && !finalShortage) {
    if (torrent?.blocked === "disk") updateTorrent(deps.dbh.db, file.hash, { blocked: null, message: null });
    return true;
  }
  const message =
    space.free < need || !finalShortage
      ? `Waiting for disk space: ${formatBytes(space.free)} free in ${incompleteDir}, this file needs ${formatBytes(need)} (its size + DOWNLOAD_MIN_FREE_SPACE${reserved > 0 ? ` + ${formatBytes(reserved)} reserved to extract archives` : ""})`
      : finalShortage;
  if (torrent && torrent.message !== message) {
    updateTorrent(deps.dbh.db, file.hash, { blocked: "disk", message });
    deps.log.warn({ hash: file.hash, free: space.free, need }, "download held: disk nearly full");
  }
  return false;
}

/** Unrestricts the file's link and hands it to aria2c under its fixed GID. */
export async function startFile(deps: Deps, engine: DownloadEngine, fileId: number): Promise<boolean> {
  const db = deps.dbh.db;
  const file = getFile(db, fileId);
  if (file?.status !== "pending") return false;
  const torrent = getTorrent(db, file.hash);
  if (!torrent || torrent.paused || !inTransferStage(torrent)) return false;
  if (!engine.aria2Ready()) return false;
  const provider = torrent.provider ? deps.providers.get(torrent.provider as ProviderKind) : null;
  if (!provider) {
    fileFailed(deps, file, `provider ${torrent.provider ?? "(none)"} is not configured any more`);
    return false;
  }
  let download: string;
  let chunks: number | null;
  try {
    // A file host's link goes through the provider's hoster unrestrict (hoster-link.ts).
    const link =
      torrent.source_kind === "link" && provider.unrestrictHosterLink
        ? await provider.unrestrictHosterLink(file.link)
        : await provider.unrestrictLink(file.link);
    download = link.download;
    chunks = link.chunks;
  } catch (error) {
    fileFailed(deps, file, `could not unrestrict the link: ${(error as Error).message}`);
    return false;
  }
  deps.downloads.starting.add(file.gid);
  try {
    // aria2c may still remember this GID (an earlier try, the session file): make it free again.
    await engine.aria2.forget(file.gid);
    await dropUntrackedPartial(deps, torrent, file);
    await engine.aria2.addUri(
      [download],
      downloadOptions(engine.profile, {
        gid: file.gid,
        dir: incompleteFolder(deps.config.downloads, torrent.hash),
        out: fileLayoutPath(torrent.root_name ?? torrent.hash, file.path),
        chunks,
      }),
    );
  } catch (error) {
    deps.downloads.starting.delete(file.gid);
    deps.log.warn({ hash: torrent.hash, err: (error as Error).message }, "aria2c did not take the download");
    return false;
  }
  deps.downloads.starting.delete(file.gid);
  updateFile(db, file.id, { status: "active", error: null });
  updateTorrent(db, torrent.hash, {
    ...moveTo(torrent.stage, "downloading"),
    blocked: null,
    message: null,
  });
  deps.log.info(
    { hash: torrent.hash, file: file.path || torrent.root_name, gid: file.gid },
    "download started",
  );
  return true;
}

/**
 * A partial file without its .aria2 control file cannot be resumed safely: preallocated, it has
 * its full length, and aria2c's --continue would call it complete. Start it over instead.
 */
async function dropUntrackedPartial(
  deps: Deps,
  torrent: DownloadTorrentRow,
  file: DownloadFile,
): Promise<void> {
  const path = join(
    incompleteFolder(deps.config.downloads, torrent.hash),
    fileLayoutPath(torrent.root_name ?? torrent.hash, file.path),
  );
  if (existsSync(path) && !existsSync(`${path}.aria2`)) {
    deps.log.warn({ hash: torrent.hash, path }, "partial file without aria2 control file: starting it over");
    await rm(path, { force: true });
  }
}

/** The finished file has the size the provider announced (else it is not what was asked for). */
function sizeMatches(deps: Deps, torrent: DownloadTorrentRow | undefined, file: DownloadFile): boolean {
  if (!torrent || file.size <= 0) return true;
  const path = join(
    incompleteFolder(deps.config.downloads, torrent.hash),
    fileLayoutPath(torrent.root_name ?? torrent.hash, file.path),
  );
  try {
    return statSync(path).size === file.size;
  } catch {
    return false;
  }
}

/** A try failed: again later, or the torrent goes to error with the reason after DOWNLOAD_MAX_ATTEMPTS. */
function fileFailed(deps: Deps, file: DownloadFile, reason: string): void {
  const attempts = file.attempts + 1;
  const max = deps.config.downloads.maxAttempts;
  const label = basename(file.path || "") || "file";
  if (attempts >= max) {
    updateFile(deps.dbh.db, file.id, { status: "error", attempts, error: reason, speed: 0 });
    const stage = getTorrent(deps.dbh.db, file.hash)?.stage;
    updateTorrent(deps.dbh.db, file.hash, {
      ...(stage ? moveTo(stage, "error") : {}),
      error: `${label}: ${reason} (after ${attempts} attempts)`,
      speed: 0,
      message: null,
      fail_reason: isDiskFull(reason) ? "disk_full" : "errors",
      failed_at: deps.clock.now(),
    });
    deps.log.error({ hash: file.hash, file: file.path, reason, attempts }, "download failed");
    return;
  }
  deps.downloads.retryAt.set(
    file.id,
    deps.clock.now() +
      backoffDelayMs(
        { baseMs: deps.config.downloads.providerPollMs, maxMs: 60_000, jitter: "none" },
        attempts,
      ),
  );
  updateFile(deps.dbh.db, file.id, { status: "pending", attempts, error: reason, speed: 0 });
  updateTorrent(deps.dbh.db, file.hash, { message: `Retrying (${attempts}/${max - 1}): ${reason}` });
  deps.log.warn({ hash: file.hash, file: file.path, reason, attempts }, "download try failed; retrying");
}

/** Reads every running transfer from aria2c and writes bytes, speeds and outcomes back. */
export async function pollTransfers(deps: Deps, engine: DownloadEngine): Promise<void> {
  if (!engine.aria2Ready()) return;
  const db = deps.dbh.db;
  const live = await engine.aria2.tellActive();
  const byGid = new Map(live.map((s) => [s.gid, s]));
  await adoptOrDrop(deps, engine, live);
  const active = filesWithStatus(db, ["active"]);
  if (active.length === 0) return;
  const now = deps.clock.now();
  const outcomes: Array<{ file: DownloadFile; status: Aria2Status | null }> = [];
  for (const file of active) {
    let status = byGid.get(file.gid) ?? null;
    if (!status) {
      try {
        status = await engine.aria2.tellStatus(file.gid);
      } catch (error) {
        if (!(error instanceof Aria2RpcError && error.notFound)) throw error;
      }
    }
    // After a restart of Redriva the queue is empty: running downloads take their slots back.
    if (!engine.queue.isRunning(String(file.id))) engine.queue.attach(String(file.id), file.size);
    outcomes.push({ file, status });
  }
  const finished: DownloadFile[] = [];
  inTransaction(db, () => {
    for (const { file, status } of outcomes) {
      if (!status || status.status === "removed") {
        // aria2c no longer has it (restarted without its session): start it again, same GID.
        updateFile(db, file.id, { status: "pending", speed: 0 });
        engine.queue.release(String(file.id));
        engine.speeds.forget(file.gid);
        deps.log.warn({ hash: file.hash, gid: file.gid }, "aria2c lost a download; adding it again");
        continue;
      }
      const completed = Number(status.completedLength) || 0;
      if (status.status === "complete") {
        finished.push(file);
        if (!sizeMatches(deps, getTorrent(db, file.hash), file)) {
          fileFailed(
            deps,
            file,
            `aria2c finished but the file does not have the announced ${file.size} bytes`,
          );
          continue;
        }
        updateFile(db, file.id, {
          status: "complete",
          completed: file.size || completed,
          speed: 0,
          error: null,
        });
        continue;
      }
      if (status.status === "error") {
        finished.push(file);
        if (status.errorCode === ARIA2_DISK_FULL) {
          updateFile(db, file.id, { status: "pending", speed: 0 });
          updateTorrent(db, file.hash, {
            blocked: "disk",
            message: "Paused: the disk is full (aria2c could not write)",
          });
        } else {
          fileFailed(
            deps,
            file,
            `aria2c error ${status.errorCode ?? "?"}: ${status.errorMessage ?? "unknown"}`,
          );
        }
        continue;
      }
      const speed = Math.round(
        engine.speeds.update(file.gid, completed, now, Number(status.downloadSpeed) || 0),
      );
      updateFile(db, file.id, { completed: Math.max(completed, 0), speed });
    }
  });
  for (const file of finished) {
    engine.queue.release(String(file.id));
    engine.speeds.forget(file.gid);
    await engine.aria2.removeDownloadResult(file.gid).catch(() => {});
  }
  rollUp(deps, [...new Set(active.map((f) => f.hash))], now);
}

/**
 * Downloads aria2c runs that the database does not call active: restored from its session file
 * after a crash (kept: they continue where they were), or left over from a torrent since paused
 * or deleted (removed, so no file is ever written behind the user's back).
 */
async function adoptOrDrop(deps: Deps, engine: DownloadEngine, live: Aria2Status[]): Promise<void> {
  const db = deps.dbh.db;
  const candidates = live.filter((s) => !deps.downloads.starting.has(s.gid));
  if (candidates.length === 0) return;
  const known = new Map(
    filesByGids(
      db,
      candidates.map((s) => s.gid),
    ).map((f) => [f.gid, f]),
  );
  for (const status of candidates) {
    const file = known.get(status.gid);
    if (file?.status === "active") continue;
    const torrent = file ? getTorrent(db, file.hash) : undefined;
    const wanted = file?.status === "pending" && torrent && !torrent.paused && inTransferStage(torrent);
    if (file && wanted) {
      engine.queue.cancel(String(file.id));
      engine.queue.attach(String(file.id), file.size);
      updateFile(db, file.id, { status: "active" });
      continue;
    }
    deps.log.warn({ gid: status.gid }, "removing a download aria2c runs for nothing wanted");
    await engine.aria2.forget(status.gid).catch(() => {});
  }
}

/** Torrent totals from its files: bytes on disk, speed, last time bytes moved. */
function rollUp(deps: Deps, hashes: string[], now: number): void {
  const db = deps.dbh.db;
  const files = filesOfMany(db, hashes);
  inTransaction(db, () => {
    for (const hash of hashes) {
      const own = files.filter((f) => f.hash === hash);
      const downloaded = own.reduce((s, f) => s + f.completed, 0);
      const speed = own.reduce((s, f) => s + (f.status === "active" ? f.speed : 0), 0);
      const torrent = getTorrent(db, hash);
      if (!torrent) continue;
      const moved = downloaded > torrent.downloaded;
      // Between two files of a torrent (waiting for a slot) it is queued, not downloading.
      const running = own.some((f) => f.status === "active");
      updateTorrent(
        db,
        hash,
        changedFields(torrent, {
          downloaded,
          speed,
          ...(moved ? { progress_at: now, last_activity: now } : {}),
          ...(!running && torrent.stage === "downloading" ? moveTo(torrent.stage, "waiting") : {}),
        }),
      );
    }
  });
}

/** Whether a file may be queued now (not inside its retry delay). */
export function retryDue(deps: Deps, fileId: number, now: number): boolean {
  const at = deps.downloads.retryAt.get(fileId);
  if (at === undefined) return true;
  if (at <= now) {
    deps.downloads.retryAt.delete(fileId);
    return true;
  }
  return false;
}
