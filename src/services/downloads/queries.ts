import {
  type DownloadFile,
  type DownloadTorrentRow,
  downloadsVersion,
  filesOf,
  getTorrent,
  listTorrents,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { type DownloadStage, FINAL_STAGE } from "../../domain/download-stage.ts";
import { parseTorrentFile, type TorrentFileInfo } from "../../domain/torrent-file.ts";

/** Read verbs over the download client's rows, for the qBittorrent API and the pages. */
export type { DownloadFile, DownloadTorrentRow };

/** Every visible torrent (not being deleted), oldest first; only `stages` when given. */
export function listDownloads(deps: Deps, stages?: DownloadStage[]): DownloadTorrentRow[] {
  return listTorrents(deps.dbh.db, stages ? { stages } : {});
}

/** One visible torrent by hash (any case), or undefined (unknown or being deleted). */
export function findDownload(deps: Deps, hash: string): DownloadTorrentRow | undefined {
  const row = getTorrent(deps.dbh.db, hash.trim().toLowerCase());
  if (!row || row.stage === FINAL_STAGE) return undefined;
  const { torrent_file: _bytes, ...rest } = row;
  return rest;
}

/** The .torrent a torrent was added from, when it was added from one. */
export function torrentFileOf(deps: Deps, hash: string): Uint8Array | null {
  return getTorrent(deps.dbh.db, hash.trim().toLowerCase())?.torrent_file ?? null;
}

/** The files Redriva downloads for it (known once the provider has them). */
export function downloadFiles(deps: Deps, hash: string): DownloadFile[] {
  return filesOf(deps.dbh.db, hash);
}

/** The parsed .torrent of a torrent added from one (files, comment...), else null. */
export function torrentFileContents(deps: Deps, hash: string): TorrentFileInfo | null {
  const bytes = torrentFileOf(deps, hash);
  return bytes ? parseTorrentFile(bytes) : null;
}

/** Changes whenever any torrent row changes, in this process or another: a cache key. */
export function downloadsChangeVersion(deps: Deps): string {
  return downloadsVersion(deps.dbh.db);
}
