import { ACTIVE_STATUSES, FAILED_STATUSES } from "../../providers/types.ts";
import type { DbHandle } from "../client.ts";

/** Aggregate reads over the mirrored library (stats report, dashboard, metrics). */
const FAILED = `(${FAILED_STATUSES.map((s) => `'${s}'`).join(",")})`;

export interface LibraryTotals {
  torrents: number;
  removed: number;
  withDetails: number;
  bytes: number;
  active: number;
  failed: number;
}

/**
 * Everything the compact line needs. The first query reads only idx_torrents_presence (a covering
 * index) grouped by status, in index order: half the time of one row with FILTERed counts, which
 * tested each of 100,000 statuses against two IN lists (`stats --compact` runs from cron, often).
 * Details are counted by their own index minus the few that belong to removed torrents.
 */
export function libraryTotals(dbh: DbHandle): LibraryTotals {
  const byStatus = dbh.sqlite
    .query<{ status: string; count: number; bytes: number }, []>(
      `SELECT status, COUNT(*) AS count, COALESCE(SUM(bytes), 0) AS bytes
         FROM torrents WHERE removed_at IS NULL GROUP BY status`,
    )
    .all();
  const others = dbh.sqlite
    .query<{ removed: number; withDetails: number }, []>(
      `SELECT (SELECT COUNT(*) FROM torrents WHERE removed_at IS NOT NULL) AS removed,
              (SELECT COUNT(*) FROM torrent_details)
                - (SELECT COUNT(*) FROM torrents t JOIN torrent_details d ON d.provider = t.provider AND d.id = t.id
                    WHERE t.removed_at IS NOT NULL) AS withDetails`,
    )
    .get();
  const totals = { torrents: 0, bytes: 0, active: 0, failed: 0 };
  for (const row of byStatus) {
    totals.torrents += row.count;
    totals.bytes += row.bytes;
    if (ACTIVE_STATUSES.includes(row.status)) totals.active += row.count;
    if (FAILED_STATUSES.includes(row.status)) totals.failed += row.count;
  }
  return { ...totals, removed: others?.removed ?? 0, withDetails: others?.withDetails ?? 0 };
}

export function countByStatus(dbh: DbHandle): Array<{ status: string; count: number; bytes: number }> {
  return dbh.sqlite
    .query<{ status: string; count: number; bytes: number }, []>(
      `SELECT status, COUNT(*) AS count, COALESCE(SUM(bytes), 0) AS bytes FROM torrents
        WHERE removed_at IS NULL GROUP BY status ORDER BY count DESC`,
    )
    .all();
}

/** Added since an ISO date (torrents.added_on is ISO 8601, so text order is time order). */
export function addedSince(dbh: DbHandle, isoDate: string): { count: number; bytes: number } {
  return (
    dbh.sqlite
      .query<{ count: number; bytes: number }, [string]>(
        "SELECT COUNT(*) AS count, COALESCE(SUM(bytes), 0) AS bytes FROM torrents WHERE added_on >= ? AND removed_at IS NULL",
      )
      .get(isoDate) ?? { count: 0, bytes: 0 }
  );
}

export function topHosts(
  dbh: DbHandle,
  limit: number,
): Array<{ host: string; count: number; bytes: number }> {
  return dbh.sqlite
    .query<{ host: string; count: number; bytes: number }, [number]>(
      `SELECT COALESCE(host, '(unknown)') AS host, COUNT(*) AS count, COALESCE(SUM(bytes), 0) AS bytes FROM torrents
        WHERE removed_at IS NULL GROUP BY host ORDER BY count DESC LIMIT ?`,
    )
    .all(limit);
}

export function biggestTorrents(
  dbh: DbHandle,
  limit: number,
): Array<{ provider: string; id: string; filename: string; bytes: number; status: string }> {
  return dbh.sqlite
    .query<{ provider: string; id: string; filename: string; bytes: number; status: string }, [number]>(
      "SELECT provider, id, filename, bytes, status FROM torrents WHERE removed_at IS NULL ORDER BY bytes DESC LIMIT ?",
    )
    .all(limit);
}

export function staleDetailsCount(dbh: DbHandle, before: number): number {
  return (
    dbh.sqlite
      .query<{ n: number }, [number]>(
        `SELECT COUNT(*) AS n FROM torrent_details d JOIN torrents t ON t.provider = d.provider AND t.id = d.id
          WHERE t.removed_at IS NULL AND d.fetched_at < ?`,
      )
      .get(before)?.n ?? 0
  );
}

export function detailsErrorCount(dbh: DbHandle): number {
  return (
    dbh.sqlite
      .query<{ n: number }, []>(
        "SELECT COUNT(*) AS n FROM torrents WHERE removed_at IS NULL AND details_error_at IS NOT NULL",
      )
      .get()?.n ?? 0
  );
}

export interface FailedTorrentRow {
  provider: string;
  id: string;
  filename: string;
  status: string;
  bytes: number;
  hash: string | null;
  added_on: string | null;
  details_error: string | null;
  progress: number;
}

/** Torrents in a failed status or whose details could not be fetched (diagnose). */
export function failedTorrents(dbh: DbHandle): FailedTorrentRow[] {
  return dbh.sqlite
    .query<FailedTorrentRow, []>(
      `SELECT provider, id, filename, status, bytes, hash, added_on, details_error, progress FROM torrents
        WHERE removed_at IS NULL AND (status IN ${FAILED} OR details_error IS NOT NULL)
        ORDER BY status, added_on DESC`,
    )
    .all();
}
