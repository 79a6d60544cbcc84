import type { DbHandle } from "../client.ts";
import type { DetailsRecord, TorrentRecord } from "./torrent-detail-queries.ts";

/** A torrent of another tool's mirror of the same provider library, with its details if it had them. */
export interface HistoryTorrent
  extends Pick<
    TorrentRecord,
    "id" | "filename" | "status" | "bytes" | "added_on" | "ended_on" | "hash" | "host" | "progress"
  > {
  links: string[];
  details: Pick<
    DetailsRecord,
    | "name"
    | "original_filename"
    | "status"
    | "size"
    | "original_bytes"
    | "files_count"
    | "progress"
    | "error"
    | "speed"
    | "seeders"
  > | null;
}

/**
 * Writes imported library rows (redriva import redriva-python). A torrent already in the library
 * is left untouched (the sync's data is newer); returns how many were written. `now` is their
 * first/last-seen time and the details' fetch time: the next smart sync compares them with the
 * provider's list and fetches only what changed, as if Redriva had synced them itself.
 */
export function insertLibraryHistory(
  dbh: DbHandle,
  provider: string,
  rows: HistoryTorrent[],
  now: number,
): number {
  const { sqlite } = dbh;
  const insertTorrent = sqlite.prepare(
    `INSERT INTO torrents (id, provider, filename, status, bytes, added_on, ended_on, hash, host, progress,
                           links, links_count, first_seen_at, last_seen_at, changed_at)
     VALUES ($id, $provider, $filename, $status, $bytes, $added, $ended, $hash, $host, $progress,
             $links, $links_count, $now, $now, $now)
     ON CONFLICT(id, provider) DO NOTHING`,
  );
  const insertDetails = sqlite.prepare(
    `INSERT INTO torrent_details (provider, id, name, original_filename, status, size, original_bytes, files_count,
                                  progress, links, hash, host, error, added_on, ended_on, speed, seeders, fetched_at)
     VALUES ($provider, $id, $name, $original, $status, $size, $original_bytes, $files_count, $progress, $links,
             $hash, $host, $error, $added, $ended, $speed, $seeders, $now)
     ON CONFLICT(provider, id) DO NOTHING`,
  );
  let written = 0;
  sqlite.transaction(() => {
    for (const t of rows) {
      const inserted = insertTorrent.run({
        $id: t.id,
        $provider: provider,
        $filename: t.filename,
        $status: t.status,
        $bytes: t.bytes,
        $added: t.added_on,
        $ended: t.ended_on,
        $hash: t.hash,
        $host: t.host,
        $progress: t.progress,
        $links: JSON.stringify(t.links),
        $links_count: t.links.length,
        $now: now,
      });
      if (inserted.changes === 0) continue;
      written += 1;
      const d = t.details;
      if (!d) continue;
      insertDetails.run({
        $provider: provider,
        $id: t.id,
        $name: d.name,
        $original: d.original_filename,
        $status: d.status,
        $size: d.size,
        $original_bytes: d.original_bytes,
        $files_count: d.files_count,
        $progress: d.progress,
        $links: t.links.join(","),
        $hash: t.hash,
        $host: t.host,
        $error: d.error,
        $added: t.added_on,
        $ended: t.ended_on,
        $speed: d.speed,
        $seeders: d.seeders,
        $now: now,
      });
    }
  })();
  return written;
}
