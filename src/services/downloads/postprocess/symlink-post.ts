import { basename } from "node:path";
import { type DownloadTorrentRow, filesOf } from "../../../db/repo/downloads.ts";
import type { Deps } from "../../../deps.ts";
import { isFirstVolume } from "./archive-sets.ts";

/**
 * Symlink mode, once the links are written: the files are links into the debrid mount, which is
 * read-only, so archives among them are not extracted; the reason is shown on the torrent.
 * Null when there is nothing to say (no archive, or extraction turned off).
 */
export function archivesNotExtracted(deps: Deps, torrent: DownloadTorrentRow): string | null {
  if (!deps.config.downloads.postprocess.extract.enabled) return null;
  const archives = filesOf(deps.dbh.db, torrent.hash).filter((f) => isFirstVolume(basename(f.path)));
  if (archives.length === 0) return null;
  const n = archives.length;
  return `${n} archive${n === 1 ? "" : "s"} not extracted: in symlink mode the files are links into the debrid mount, which is read-only (DOWNLOAD_MODE=download for this category extracts them)`;
}

/** The files and bytes of a symlink-mode torrent, from its rows: never a stat through the mount. */
export function linkedCounts(deps: Deps, torrent: DownloadTorrentRow): { files: number; bytes: number } {
  const files = filesOf(deps.dbh.db, torrent.hash);
  return { files: files.length, bytes: files.reduce((n, f) => n + f.size, 0) };
}
