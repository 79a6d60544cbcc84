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
  const rows = db.all<ChangedTorrent & { kind: "added" | "updated" | "removed" }>(sql`
    SELECT provider, id, filename, status, bytes,
           CASE WHEN removed_at >= ${since} THEN 'removed'
                WHEN first_seen_at >= ${since} THEN 'added'
                ELSE 'updated' END AS kind
      FROM torrents
     WHERE (changed_at >= ${since} OR first_seen_at >= ${since} OR removed_at >= ${since})
       AND provider IN (SELECT value FROM json_each(${JSON.stringify(providers)}))
     ORDER BY filename COLLATE NOCASE`);
  const out: LibraryChanges = {
    added: [],
    updated: [],
    removed: [],
    totals: { added: 0, updated: 0, removed: 0 },
  };
  for (const { kind, ...row } of rows) {
    out.totals[kind]++;
    if (out[kind].length < limit) out[kind].push(row);
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
