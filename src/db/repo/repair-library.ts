import type { ProviderTorrentInfo } from "../../providers/types.ts";
import type { DbHandle } from "../client.ts";
import { saveTorrentDetails } from "./library.ts";
import { recordRename } from "./repair-attempts.ts";

/**
 * What repair reads from and writes to the mirrored library (torrents, torrent_files). Kept
 * beside the repair tables because only repair renames a torrent id; plain library writes go
 * through library.ts.
 */

export interface LocalTorrent {
  id: string;
  provider: string;
  hash: string | null;
  filename: string;
  status: string;
  removed_at: number | null;
}

export interface LocalFile {
  file_id: number;
  path: string;
  bytes: number;
  selected: number;
}

export function localTorrent(dbh: DbHandle, id: string): LocalTorrent | null {
  return (
    dbh.sqlite
      .query<LocalTorrent, [string]>(
        "SELECT id, provider, hash, filename, status, removed_at FROM torrents WHERE id = ?",
      )
      .get(id) ?? null
  );
}

export function localFiles(dbh: DbHandle, id: string): LocalFile[] {
  return dbh.sqlite
    .query<LocalFile, [string]>(
      "SELECT file_id, path, bytes, selected FROM torrent_files WHERE torrent_id = ? ORDER BY file_id",
    )
    .all(id);
}

/** Torrents and their file paths, to map a broken symlink back to the torrent it came from. */
export function symlinkMappingRows(dbh: DbHandle): {
  torrents: LocalTorrent[];
  files: Array<{ torrent_id: string; path: string }>;
} {
  const torrents = dbh.sqlite
    .query<LocalTorrent, []>("SELECT id, provider, hash, filename, status, removed_at FROM torrents")
    .all();
  const files = dbh.sqlite
    .query<{ torrent_id: string; path: string }, []>("SELECT torrent_id, path FROM torrent_files")
    .all();
  return { torrents, files };
}

/**
 * A re-injection replaced `oldId` by `info.id`: the local row takes the new id (details and
 * files follow through ON UPDATE CASCADE, so everything keyed on the torrent stays attached),
 * then gets the new torrent's details and file selection. The old id is kept in
 * repair_torrent_renames. A row a sync already inserted under the new id is merged away.
 * Without a local row nothing is written to the library: the next sync adds the new torrent.
 */
export function replaceTorrentId(
  dbh: DbHandle,
  change: { oldId: string; provider: string; info: ProviderTorrentInfo },
  now: number,
): { renamed: boolean } {
  const { sqlite, db } = dbh;
  const newId = change.info.id;
  return sqlite.transaction(() => {
    const old = localTorrent(dbh, change.oldId);
    if (old && change.oldId !== newId) {
      sqlite.query("DELETE FROM torrents WHERE id = ?").run(newId);
      sqlite
        .query("UPDATE torrents SET id = ?, removed_at = NULL, changed_at = ? WHERE id = ?")
        .run(newId, now, change.oldId);
      saveTorrentDetails(dbh, change.provider, change.info, now);
    }
    recordRename(db, change.oldId, newId, change.provider, now);
    return { renamed: Boolean(old) };
  })();
}

/** The provider deleted this torrent on our request: mark it gone (history stays). */
export function markTorrentDeleted(dbh: DbHandle, id: string, now: number): void {
  dbh.sqlite.query("UPDATE torrents SET removed_at = ? WHERE id = ? AND removed_at IS NULL").run(now, id);
}
