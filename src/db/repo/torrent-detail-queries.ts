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

export function torrentById(dbh: DbHandle, id: string): TorrentRecord | null {
  return dbh.sqlite.query<TorrentRecord, [string]>("SELECT * FROM torrents WHERE id = ?").get(id);
}

export function detailsById(dbh: DbHandle, id: string): DetailsRecord | null {
  return dbh.sqlite.query<DetailsRecord, [string]>("SELECT * FROM torrent_details WHERE id = ?").get(id);
}

export function filesOf(dbh: DbHandle, id: string): FileRecord[] {
  return dbh.sqlite
    .query<FileRecord, [string]>(
      "SELECT file_id, path, bytes, selected FROM torrent_files WHERE torrent_id = ? ORDER BY file_id",
    )
    .all(id);
}

/** Ids that exist among `ids` (bulk actions check what they were given). */
export function existingIds(dbh: DbHandle, ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  return dbh.sqlite
    .query<{ id: string }, [string]>("SELECT id FROM torrents WHERE id IN (SELECT value FROM json_each(?))")
    .all(JSON.stringify(ids))
    .map((r) => r.id);
}

export interface SnapshotPoint {
  taken_at: number;
  torrents: number;
  bytes: number;
}

/** Library size over time, thinned to at most `maxPoints` evenly spaced snapshots. */
export function snapshotSeries(dbh: DbHandle, maxPoints = 120): SnapshotPoint[] {
  const total =
    dbh.sqlite.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM library_snapshots").get()?.n ?? 0;
  const step = Math.max(1, Math.ceil(total / maxPoints));
  return dbh.sqlite
    .query<SnapshotPoint, [number, number]>(
      `SELECT taken_at, torrents, bytes FROM (
         SELECT taken_at, torrents, bytes, ROW_NUMBER() OVER (ORDER BY taken_at) - 1 AS rn FROM library_snapshots
       ) WHERE rn % ? = 0 OR rn = ? - 1 ORDER BY taken_at`,
    )
    .all(step, total);
}
