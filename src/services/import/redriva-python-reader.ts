import { columnsOf, openForeignDatabase, selectColumns, tableExists } from "./foreign-db.ts";

/**
 * The original (Python) Redriva's database: `torrents` (id, filename, status, bytes, added_on)
 * and `torrent_details` (id, name, status, size, files_count, progress, links as comma-separated
 * text, hash, host, error, ...), as its README and docs describe them. Later versions added
 * columns; the ones missing read as NULL.
 */
export interface PythonTorrent {
  id: string | null;
  filename: string | null;
  status: string | null;
  bytes: number | null;
  added_on: string | null;
  /** Null when the torrent has no details row. */
  d_id: string | null;
  d_name: string | null;
  d_original_filename: string | null;
  d_status: string | null;
  d_size: number | null;
  d_original_bytes: number | null;
  d_files_count: number | null;
  d_progress: number | null;
  d_links: string | null;
  d_hash: string | null;
  d_host: string | null;
  d_error: string | null;
  d_ended_on: string | null;
  d_speed: number | null;
  d_seeders: number | null;
}

const TORRENT_COLUMNS = ["id", "filename", "status", "bytes", "added_on"] as const;
const DETAIL_COLUMNS = [
  "id",
  "name",
  "original_filename",
  "status",
  "size",
  "original_bytes",
  "files_count",
  "progress",
  "links",
  "hash",
  "host",
  "error",
  "ended_on",
  "speed",
  "seeders",
] as const;

export interface PythonData {
  torrents: PythonTorrent[];
  /** Details rows whose torrent is not in `torrents`. */
  orphanDetails: string[];
}

export function readRedrivaPython(path: string): PythonData {
  const db = openForeignDatabase(path, "the original Redriva", ["torrents"]);
  try {
    const t = selectColumns(columnsOf(db, "torrents"), TORRENT_COLUMNS)
      .split(", ")
      .map((c) => (c.startsWith("NULL") ? c : `t.${c}`))
      .join(", ");
    if (!tableExists(db, "torrent_details")) {
      const nulls = DETAIL_COLUMNS.map((c) => `NULL AS "d_${c}"`).join(", ");
      const torrents = db
        .query<PythonTorrent, []>(`SELECT ${t}, ${nulls} FROM torrents t ORDER BY t.rowid`)
        .all();
      return { torrents, orphanDetails: [] };
    }
    const present = columnsOf(db, "torrent_details");
    const d = DETAIL_COLUMNS.map((c) => (present.has(c) ? `d."${c}" AS "d_${c}"` : `NULL AS "d_${c}"`)).join(
      ", ",
    );
    const torrents = db
      .query<PythonTorrent, []>(
        `SELECT ${t}, ${d} FROM torrents t LEFT JOIN torrent_details d ON d.id = t.id ORDER BY t.rowid`,
      )
      .all();
    const orphanDetails = db
      .query<{ id: string }, []>(
        "SELECT id FROM torrent_details WHERE id NOT IN (SELECT id FROM torrents WHERE id IS NOT NULL)",
      )
      .all()
      .map((r) => String(r.id));
    return { torrents, orphanDetails };
  } finally {
    db.close();
  }
}
