import { lstatSync } from "node:fs";
import { cp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { type DownloadImport, importOf } from "../../db/repo/arr-imports.ts";
import {
  type DownloadTorrentRow,
  deleteTorrentRow,
  filesOf,
  torrentsInStages,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { FINAL_STAGE } from "../../domain/download-stage.ts";
import { importShownInHistory } from "../arr/imports.ts";
import type { DownloadEngine } from "./engine.ts";
import { isSymlinkMode } from "./mode.ts";
import { incompleteFolder, resolveInside } from "./paths.ts";
import { stopPostStep } from "./post-download/stop.ts";
import { removeFromProvider } from "./provider-removal.ts";
import { movePartialDir } from "./staging/move.ts";

/** Moves a file or folder; across filesystems it copies (in the kernel), then removes. */
export async function moveTree(source: string, target: string): Promise<void> {
  try {
    await rename(source, target);
  } catch (error) {
    // Another filesystem (a category folder on another disk): copy in the kernel, then remove.
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await cp(source, `${target}.redriva-partial`, { recursive: true, errorOnExist: true });
    await rename(`${target}.redriva-partial`, target);
    await rm(source, { recursive: true, force: true });
  }
}

/** `name`, or `name (2)`, `name (3)`... when something already has that name. */
export function uniqueTarget(folder: string, name: string): string {
  let candidate = join(folder, name);
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 && name.length - dot <= 6 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  // lstat, not stat: a name taken by a link counts (even a dangling one), and a link into a
  // mount served by this process (/dav) must not be followed by a blocking call.
  const taken = (path: string) => lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  for (let n = 2; taken(candidate); n++) candidate = join(folder, `${stem} (${n})${ext}`);
  return candidate;
}

/**
 * Deleted torrents: stop their transfers, remove partial and (with deleteFiles) finished data,
 * then forget them. Waits while aria2c restarts so nothing keeps writing a removed file.
 */
export async function processDeletions(deps: Deps, engine: DownloadEngine): Promise<void> {
  const config = deps.config.downloads;
  for (const torrent of torrentsInStages(deps.dbh.db, [FINAL_STAGE])) {
    // An extraction or a command running for it stops first (its child process killed).
    await stopPostStep(deps, torrent.hash);
    const files = filesOf(deps.dbh.db, torrent.hash);
    for (const f of files) engine.queue.cancel(String(f.id));
    const transferring = files.some((f) => f.status === "active" || f.status === "pending");
    // Symlink mode never hands files to aria2c: a delete needs no aria2c to be running.
    if (transferring && !isSymlinkMode(config, torrent)) {
      if (!engine.aria2Ready()) continue;
      for (const f of files) await engine.aria2.forget(f.gid);
    }
    // Partial data is never useful once the torrent is gone.
    await rm(incompleteFolder(config, torrent.hash), { recursive: true, force: true });
    await rm(movePartialDir(torrent), { recursive: true, force: true });
    if (torrent.delete_files && torrent.content_path) {
      const inside = resolveInside(config.dir, torrent.content_path);
      const isRootFolder = inside === config.dir || inside === torrent.save_path;
      if (inside && !isRootFolder) await rm(inside, { recursive: true, force: true });
    }
    // Read before the row goes (its import record goes with it).
    const imported = importOf(deps.dbh.db, torrent.hash);
    deleteTorrentRow(deps.dbh.db, torrent.hash);
    deps.log.info({ hash: torrent.hash, deleteFiles: torrent.delete_files }, "torrent deleted");
    // Not awaited: a rate-limited provider must not hold up the downloads of this tick.
    void removeAtProvider(deps, torrent, imported);
  }
}

/** DOWNLOAD_DELETE_AT_PROVIDER: the debrid library's copy goes too, when asked. */
async function removeAtProvider(
  deps: Deps,
  torrent: DownloadTorrentRow,
  imported: DownloadImport | undefined,
): Promise<void> {
  const policy = deps.config.downloads.deleteAtProvider;
  if (policy === "never" || !torrent.provider || !torrent.provider_id) return;
  const finished = torrent.completion_on !== null;
  if (policy === "unfinished" && finished) return;
  if (policy === "imported" && finished && !(await importedAndUnlinked(deps, torrent, imported))) return;
  await removeFromProvider(deps, torrent);
}

/**
 * `imported`: a finished download goes only once its *arr shows the import (recorded by a round,
 * or asked now: the *arr often removes it right after importing), and never in symlink mode, where
 * the imported files are links into the provider's library.
 */
async function importedAndUnlinked(
  deps: Deps,
  torrent: DownloadTorrentRow,
  imported: DownloadImport | undefined,
) {
  if (isSymlinkMode(deps.config.downloads, torrent)) return false;
  if (imported) return imported.provider_removed_at === null;
  return importShownInHistory(deps, torrent);
}
