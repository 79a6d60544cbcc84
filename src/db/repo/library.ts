import type { Database } from "bun:sqlite";
import type { ListOmits, ProviderTorrent, ProviderTorrentInfo } from "../../providers/types.ts";
import type { DbHandle } from "../client.ts";

/**
 * Writes of the mirrored library (torrents, torrent_details, torrent_files, search index) and the
 * reads the sync needs. Raw prepared statements on purpose: the sync writes thousands of rows per
 * page, and bun:sqlite statements in one transaction do that in milliseconds.
 */

/** What the database knew about a listed torrent before this page was written. */
export interface KnownTorrent {
  id: string;
  status: string;
  progress: number;
  bytes: number;
  links: string;
  filename: string;
  removed_at: number | null;
  details_fetched_at: number | null;
  details_status: string | null;
  details_links: string | null;
  details_size: number | null;
  details_error_at: number | null;
}

/** The provider's torrents among `ids`, keyed by id. */
export function knownTorrents(sqlite: Database, provider: string, ids: string[]): Map<string, KnownTorrent> {
  const rows = sqlite
    .query<KnownTorrent, [string, string]>(
      `SELECT t.id, t.status, t.progress, t.bytes, t.links, t.filename, t.removed_at,
              d.fetched_at AS details_fetched_at, d.status AS details_status,
              d.links AS details_links, d.size AS details_size, t.details_error_at
         FROM torrents t LEFT JOIN torrent_details d ON d.provider = t.provider AND d.id = t.id
        WHERE t.id IN (SELECT value FROM json_each(?)) AND t.provider = ?`,
    )
    .all(JSON.stringify(ids), provider);
  return new Map(rows.map((r) => [r.id, r]));
}

/** Upserts a page of the provider's list; `seenAt` marks them present in this walk. */
export function upsertListPage(
  dbh: DbHandle,
  provider: string,
  items: ProviderTorrent[],
  seenAt: number,
  /** What these rows leave out: the stored values (written by the details) stay. */
  omits: ListOmits = {},
): void {
  const { sqlite } = dbh;
  const keep = { $keep_bytes: omits.bytes ? 1 : 0, $keep_links: omits.links ? 1 : 0 };
  const upsert = sqlite.prepare(
    `INSERT INTO torrents (id, provider, filename, status, bytes, added_on, ended_on, hash, host, split, progress,
                           speed, seeders, links, links_count, first_seen_at, last_seen_at, changed_at, removed_at)
     VALUES ($id, $provider, $filename, $status, $bytes, $added, $ended, $hash, $host, $split, $progress,
             $speed, $seeders, $links, $links_count, $now, $now, $now, NULL)
     ON CONFLICT(id, provider) DO UPDATE SET
       filename = excluded.filename, status = excluded.status,
       bytes = CASE WHEN $keep_bytes THEN torrents.bytes ELSE excluded.bytes END,
       added_on = excluded.added_on, ended_on = excluded.ended_on, hash = excluded.hash, host = excluded.host,
       split = excluded.split, progress = excluded.progress, speed = excluded.speed, seeders = excluded.seeders,
       links = CASE WHEN $keep_links THEN torrents.links ELSE excluded.links END,
       links_count = CASE WHEN $keep_links THEN torrents.links_count ELSE excluded.links_count END,
       last_seen_at = excluded.last_seen_at,
       removed_at = NULL,
       changed_at = CASE WHEN torrents.status IS NOT excluded.status OR torrents.progress IS NOT excluded.progress
                           OR (NOT $keep_bytes AND torrents.bytes IS NOT excluded.bytes)
                           OR (NOT $keep_links AND torrents.links IS NOT excluded.links)
                           OR torrents.removed_at IS NOT NULL
                         THEN excluded.changed_at ELSE torrents.changed_at END`,
  );
  // Details follow the list's status cheaply: a status change that does not touch files/links
  // (downloaded → dead) costs no request.
  // Without links in the list, becoming downloaded is left to the details fetch, which brings them.
  const followStatus = sqlite.prepare(
    `UPDATE torrent_details SET status = $status, progress = $progress
      WHERE id = $id AND provider = $provider AND (status IS NOT $status OR progress IS NOT $progress)
        AND NOT ($keep_links AND $status = 'downloaded')`,
  );
  sqlite.transaction(() => {
    for (const t of items) {
      const links = JSON.stringify(t.links);
      upsert.run({
        $id: t.id,
        $provider: provider,
        $filename: t.filename,
        $status: t.status,
        $bytes: t.bytes,
        $added: t.added,
        $ended: t.ended,
        $hash: t.hash,
        $host: t.host,
        $split: t.split,
        $progress: t.progress,
        $speed: t.speed,
        $seeders: t.seeders,
        $links: links,
        $links_count: t.links.length,
        $now: seenAt,
        ...keep,
      });
      followStatus.run({ $id: t.id, $provider: provider, $status: t.status, $progress: t.progress, ...keep });
    }
  })();
}

/**
 * After a *complete* walk of the list: torrents of this provider not seen since `walkStartedAt`
 * are gone from the provider. They are marked, never deleted (history stays).
 */
export function markUnseenRemoved(
  dbh: DbHandle,
  provider: string,
  walkStartedAt: number,
  now: number,
): string[] {
  const rows = dbh.sqlite
    .query<{ id: string }, [number, string, number]>(
      `UPDATE torrents SET removed_at = ?
        WHERE provider = ? AND removed_at IS NULL AND last_seen_at < ? RETURNING id`,
    )
    .all(now, provider, walkStartedAt);
  return rows.map((r) => r.id);
}

export function markRemoved(dbh: DbHandle, provider: string, id: string, now: number): void {
  dbh.sqlite
    .query("UPDATE torrents SET removed_at = ? WHERE id = ? AND provider = ? AND removed_at IS NULL")
    .run(now, id, provider);
}

/** Stores one torrent's details, its files and their paths in the search index, atomically. */
export function saveTorrentDetails(
  dbh: DbHandle,
  provider: string,
  info: ProviderTorrentInfo,
  now: number,
): void {
  const { sqlite } = dbh;
  sqlite.transaction(() => {
    upsertListPage(dbh, provider, [info], now);
    sqlite
      .query(
        `INSERT INTO torrent_details (provider, id, name, original_filename, status, size, original_bytes, files_count, progress,
                                      links, hash, host, error, added_on, ended_on, speed, seeders, fetched_at)
         VALUES ($provider, $id, $name, $original, $status, $size, $original_bytes, $files_count, $progress, $links, $hash, $host,
                 NULL, $added, $ended, $speed, $seeders, $now)
         ON CONFLICT(provider, id) DO UPDATE SET
           name = excluded.name, original_filename = excluded.original_filename, status = excluded.status,
           size = excluded.size, original_bytes = excluded.original_bytes, files_count = excluded.files_count,
           progress = excluded.progress, links = excluded.links, hash = excluded.hash, host = excluded.host,
           error = NULL, added_on = excluded.added_on, ended_on = excluded.ended_on, speed = excluded.speed,
           seeders = excluded.seeders, fetched_at = excluded.fetched_at`,
      )
      .run({
        $provider: provider,
        $id: info.id,
        $name: info.filename,
        $original: info.originalFilename,
        $status: info.status,
        $size: info.bytes,
        $original_bytes: info.originalBytes,
        $files_count: info.files.length,
        $progress: info.progress,
        $links: info.links.join(","),
        $hash: info.hash,
        $host: info.host,
        $added: info.added,
        $ended: info.ended,
        $speed: info.speed,
        $seeders: info.seeders,
        $now: now,
      });
    sqlite.query("DELETE FROM torrent_files WHERE provider = ? AND torrent_id = ?").run(provider, info.id);
    const insertFile = sqlite.prepare(
      "INSERT INTO torrent_files (provider, torrent_id, file_id, path, bytes, selected) VALUES (?, ?, ?, ?, ?, ?)",
    );
    for (const f of info.files) insertFile.run(provider, info.id, f.id, f.path, f.bytes, f.selected ? 1 : 0);
    sqlite
      .query(
        `UPDATE torrent_search SET paths = ?
          WHERE rowid = (SELECT seq FROM torrents WHERE id = ? AND provider = ?)`,
      )
      .run(info.files.map((f) => f.path).join("\n"), info.id, provider);
    sqlite
      .query(
        "UPDATE torrents SET details_error = NULL, details_error_at = NULL WHERE id = ? AND provider = ?",
      )
      .run(info.id, provider);
  })();
}

export function recordDetailsError(
  dbh: DbHandle,
  provider: string,
  id: string,
  error: string,
  now: number,
): void {
  dbh.sqlite
    .query("UPDATE torrents SET details_error = ?, details_error_at = ? WHERE id = ? AND provider = ?")
    .run(error, now, id, provider);
}

export function presentTorrentIds(dbh: DbHandle, provider: string, status?: string): string[] {
  const sql = `SELECT id FROM torrents WHERE provider = ? AND removed_at IS NULL${status ? " AND status = ?" : ""}
               ORDER BY added_on DESC`;
  const args = status ? [provider, status] : [provider];
  return dbh.sqlite
    .query<{ id: string }, string[]>(sql)
    .all(...args)
    .map((r) => r.id);
}

/** A point for the "library over time" charts. */
export function takeLibrarySnapshot(dbh: DbHandle, now: number): void {
  const rows = dbh.sqlite
    .query<{ status: string; n: number; bytes: number }, []>(
      "SELECT status, COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS bytes FROM torrents WHERE removed_at IS NULL GROUP BY status",
    )
    .all();
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  dbh.sqlite
    .query("INSERT INTO library_snapshots (taken_at, torrents, bytes, by_status) VALUES (?, ?, ?, ?)")
    .run(
      now,
      rows.reduce((s, r) => s + r.n, 0),
      rows.reduce((s, r) => s + r.bytes, 0),
      JSON.stringify(byStatus),
    );
}

/** Empties the mirrored library (CLI `clear`). Sync history and other features' tables stay. */
export function clearLibrary(dbh: DbHandle): { torrents: number } {
  const { sqlite } = dbh;
  const count = sqlite.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM torrents").get()?.n ?? 0;
  sqlite.transaction(() => {
    sqlite.exec("DELETE FROM torrent_files");
    sqlite.exec("DELETE FROM torrent_details");
    sqlite.exec("DELETE FROM torrents");
    sqlite.exec("DELETE FROM torrent_search");
    sqlite.exec("DELETE FROM library_snapshots");
  })();
  return { torrents: count };
}
