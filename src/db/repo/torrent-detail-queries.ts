import type { DbHandle } from "../client.ts";

/** Read queries of the web UI's torrent page and charts (writes belong to repo/library.ts). */

export interface TorrentRecord {
  seq: number;
  id: string;
  provider: string;
  filename: string;
  status: string;
  bytes: number;
  added_on: string | null;
  ended_on: string | null;
  hash: string | null;
  host: string | null;
  split: number | null;
  progress: number;
  speed: number | null;
  seeders: number | null;
  links: string;
  links_count: number;
  first_seen_at: number;
  last_seen_at: number;
  changed_at: number;
  removed_at: number | null;
  details_error: string | null;
  details_error_at: number | null;
}

export interface DetailsRecord {
  provider: string;
  id: string;
  name: string;
  original_filename: string | null;
  status: string;
  size: number;
  original_bytes: number | null;
  files_count: number;
  progress: number;
  links: string;
  hash: string | null;
  host: string | null;
  error: string | null;
  added_on: string | null;
  ended_on: string | null;
  speed: number | null;
  seeders: number | null;
  fetched_at: number;
}

export interface FileRecord {
  file_id: number;
  path: string;
  bytes: number;
  selected: number;
}

export function torrentById(dbh: DbHandle, provider: string, id: string): TorrentRecord | null {
  return dbh.sqlite
    .query<TorrentRecord, [string, string]>("SELECT * FROM torrents WHERE id = ? AND provider = ?")
    .get(id, provider);
}

export function detailsById(dbh: DbHandle, provider: string, id: string): DetailsRecord | null {
  return dbh.sqlite
    .query<DetailsRecord, [string, string]>("SELECT * FROM torrent_details WHERE provider = ? AND id = ?")
    .get(provider, id);
}

export function filesOf(dbh: DbHandle, provider: string, id: string): FileRecord[] {
  return dbh.sqlite
    .query<FileRecord, [string, string]>(
      `SELECT file_id, path, bytes, selected FROM torrent_files
        WHERE provider = ? AND torrent_id = ? ORDER BY file_id`,
    )
    .all(provider, id);
}

/** The providers whose library has this id. */
export function providersWithId(dbh: DbHandle, id: string): string[] {
  return dbh.sqlite
    .query<{ provider: string }, [string]>("SELECT provider FROM torrents WHERE id = ? ORDER BY provider")
    .all(id)
    .map((r) => r.provider);
}

/** Ids of this provider that exist among `ids` (bulk actions check what they were given). */
export function existingIds(dbh: DbHandle, provider: string, ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  return dbh.sqlite
    .query<{ id: string }, [string, string]>(
      "SELECT id FROM torrents WHERE id IN (SELECT value FROM json_each(?)) AND provider = ?",
    )
    .all(JSON.stringify(ids), provider)
    .map((r) => r.id);
}

export interface SnapshotPoint {
  taken_at: number;
  torrents: number;
  bytes: number;
}

/** Library size over time since `since` (ms), thinned to at most `maxPoints` evenly spaced snapshots. */
export function snapshotSeries(dbh: DbHandle, maxPoints = 120, since = 0): SnapshotPoint[] {
  const total =
    dbh.sqlite
      .query<{ n: number }, [number]>("SELECT COUNT(*) AS n FROM library_snapshots WHERE taken_at >= ?")
      .get(since)?.n ?? 0;
  const step = Math.max(1, Math.ceil(total / maxPoints));
  return dbh.sqlite
    .query<SnapshotPoint, [number, number, number]>(
      `SELECT taken_at, torrents, bytes FROM (
         SELECT taken_at, torrents, bytes, ROW_NUMBER() OVER (ORDER BY taken_at) - 1 AS rn
         FROM library_snapshots WHERE taken_at >= ?
       ) WHERE rn % ? = 0 OR rn = ? - 1 ORDER BY taken_at`,
    )
    .all(since, step, total);
}
