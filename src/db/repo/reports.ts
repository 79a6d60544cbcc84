import { sql } from "drizzle-orm";
import type { Db } from "../client.ts";

/** Read-only queries over the library for job reports ("what changed during this run"). */

export interface ChangedTorrent {
  provider: string;
  id: string;
  filename: string;
  status: string;
  bytes: number;
}

export interface LibraryChanges {
  added: ChangedTorrent[];
  updated: ChangedTorrent[];
  removed: ChangedTorrent[];
  totals: { added: number; updated: number; removed: number };
}

/**
 * `providers`' torrents first seen, changed or removed at or after `since` (epoch ms), at most
 * `limit` of each kind listed (the totals count them all).
 */
export function libraryChangesSince(
  db: Db,
  providers: readonly string[],
  since: number,
  limit: number,
): LibraryChanges {
  // Counted in SQL, and each kind's first `limit` names sorted there: a sync that added 100,000
  // torrents must not hold 100,000 rows in JS to list 1,000 (it was +48 MB of peak memory).
  const kind = sql`CASE WHEN removed_at >= ${since} THEN 'removed'
                        WHEN first_seen_at >= ${since} THEN 'added'
                        ELSE 'updated' END`;
  const changed = sql`(changed_at >= ${since} OR first_seen_at >= ${since} OR removed_at >= ${since})
       AND provider IN (SELECT value FROM json_each(${JSON.stringify(providers)}))`;
  const out: LibraryChanges = {
    added: [],
    updated: [],
    removed: [],
    totals: { added: 0, updated: 0, removed: 0 },
  };
  const totals = db.all<{ kind: keyof LibraryChanges["totals"]; n: number }>(
    sql`SELECT ${kind} AS kind, count(*) AS n FROM torrents WHERE ${changed} GROUP BY 1`,
  );
  for (const { kind: k, n } of totals) {
    out.totals[k] = n;
    out[k] = db.all<ChangedTorrent>(sql`
      SELECT provider, id, filename, status, bytes FROM torrents
       WHERE ${changed} AND ${kind} = ${k}
       ORDER BY filename COLLATE NOCASE LIMIT ${limit}`);
  }
  return out;
}

interface TorrentRef {
  provider: string;
  id: string;
}

/** The key `torrentNames` answers under. */
export const torrentKey = (ref: TorrentRef): string => `${ref.provider}:${ref.id}`;

/** Filenames of the given torrents, by `torrentKey` (for "details not fetched" lists). */
export function torrentNames(db: Db, refs: readonly TorrentRef[]): Map<string, string> {
  if (refs.length === 0) return new Map();
  const rows = db.all<TorrentRef & { filename: string }>(
    sql`SELECT t.provider, t.id, t.filename
          FROM json_each(${JSON.stringify(refs)}) j
          JOIN torrents t ON t.id = json_extract(j.value, '$.id')
                         AND t.provider = json_extract(j.value, '$.provider')`,
  );
  return new Map(rows.map((r) => [torrentKey(r), r.filename]));
}
