import { sql } from "drizzle-orm";
import type { Db } from "../client.ts";

/** Read-only queries over the library for job reports ("what changed during this run"). */

export interface ChangedTorrent {
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
 * Torrents first seen, changed or removed at or after `since` (epoch ms), at most `limit` of
 * each kind listed (the totals count them all).
 */
export function libraryChangesSince(db: Db, since: number, limit: number): LibraryChanges {
  const rows = db.all<ChangedTorrent & { kind: "added" | "updated" | "removed" }>(sql`
    SELECT id, filename, status, bytes,
           CASE WHEN removed_at >= ${since} THEN 'removed'
                WHEN first_seen_at >= ${since} THEN 'added'
                ELSE 'updated' END AS kind
      FROM torrents
     WHERE changed_at >= ${since} OR first_seen_at >= ${since} OR removed_at >= ${since}
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

/** Filenames of the given torrent ids (for "details not fetched" lists). */
export function torrentNames(db: Db, ids: string[]): Map<string, string> {
  if (ids.length === 0) return new Map();
  const rows = db.all<{ id: string; filename: string }>(
    sql`SELECT id, filename FROM torrents WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  );
  return new Map(rows.map((r) => [r.id, r.filename]));
}
