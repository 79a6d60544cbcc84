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

export function localTorrent(dbh: DbHandle, provider: string, id: string): LocalTorrent | null {
  return (
    dbh.sqlite
      .query<LocalTorrent, [string, string]>(
        "SELECT id, provider, hash, filename, status, removed_at FROM torrents WHERE id = ? AND provider = ?",
      )
      .get(id, provider) ?? null
  );
}

/** Every provider's torrent with this id (ids are only unique per provider). */
export function localTorrentsWithId(dbh: DbHandle, id: string): LocalTorrent[] {
  return dbh.sqlite
    .query<LocalTorrent, [string]>(
      "SELECT id, provider, hash, filename, status, removed_at FROM torrents WHERE id = ? ORDER BY provider",
    )
    .all(id);
}

export function localFiles(dbh: DbHandle, provider: string, id: string): LocalFile[] {
  return dbh.sqlite
    .query<LocalFile, [string, string]>(
      `SELECT file_id, path, bytes, selected FROM torrent_files
        WHERE provider = ? AND torrent_id = ? ORDER BY file_id`,
    )
    .all(provider, id);
}

/** Torrents and their file paths, to map a broken symlink back to the torrent it came from. */
export function symlinkMappingRows(dbh: DbHandle): {
  torrents: LocalTorrent[];
  files: Array<{ provider: string; torrent_id: string; path: string }>;
} {
  const torrents = dbh.sqlite
    .query<LocalTorrent, []>("SELECT id, provider, hash, filename, status, removed_at FROM torrents")
    .all();
  const files = dbh.sqlite
    .query<{ provider: string; torrent_id: string; path: string }, []>(
      "SELECT provider, torrent_id, path FROM torrent_files",
    )
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
    const old = localTorrent(dbh, change.provider, change.oldId);
    if (old && change.oldId !== newId) {
      sqlite.query("DELETE FROM torrents WHERE id = ? AND provider = ?").run(newId, change.provider);
      sqlite
        .query("UPDATE torrents SET id = ?, removed_at = NULL, changed_at = ? WHERE id = ? AND provider = ?")
        .run(newId, now, change.oldId, change.provider);
      saveTorrentDetails(dbh, change.provider, change.info, now);
    }
    recordRename(db, change.oldId, newId, change.provider, now);
    return { renamed: Boolean(old) };
  })();
}

/** The provider deleted this torrent on our request: mark it gone (history stays). */
export function markTorrentDeleted(dbh: DbHandle, provider: string, id: string, now: number): void {
  dbh.sqlite
    .query("UPDATE torrents SET removed_at = ? WHERE id = ? AND provider = ? AND removed_at IS NULL")
    .run(now, id, provider);
}
