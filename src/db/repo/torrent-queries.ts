import type { DbHandle } from "../client.ts";

/**
 * Read queries of the web UI over the mirrored library (torrents, details, files, sync runs,
 * snapshots). Writes belong to repo/library.ts. Every list query names the partial index that
 * serves it (migration 0008_ui_indexes): the planner otherwise prefers the older full indexes and
 * then reads every row to check `removed_at`.
 */

export const SORT_KEYS = ["added", "size", "name", "status", "progress"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = "asc" | "desc";

/** Which torrents a list shows. `group` is a set of statuses (active, failed). */
export type StatusFilter =
  | { kind: "all" }
  | { kind: "status"; status: string }
  | { kind: "group"; statuses: readonly string[] }
  | { kind: "removed" }
  | { kind: "missing_details" };

export interface ListFilter {
  status: StatusFilter;
  /** One provider's torrents; absent or null for every provider's. */
  provider?: string | null;
  /** A ready FTS5 expression (see buildMatchExpression), or null for no search. */
  match: string | null;
}

export interface ListOrder {
  sort: SortKey;
  dir: SortDir;
}

export interface TorrentListRow {
  seq: number;
  id: string;
  provider: string;
  filename: string;
  status: string;
  bytes: number;
  added_on: string | null;
  progress: number;
  host: string | null;
  links_count: number;
  removed_at: number | null;
  has_details: number;
  /** From the details, when fetched: how many files, and the provider's error. */
  files_count: number | null;
  error: string | null;
  /** Why the details could not be fetched, if they could not. */
  details_error: string | null;
}

/** Index-ordered columns of each sort (the index also ends in seq, the tie-breaker). */
const SORT_COLUMNS: Record<SortKey, { columns: string[]; index: string; statusIndex: string }> = {
  added: { columns: ["added_on"], index: "ui_live_added", statusIndex: "ui_live_status_added" },
  size: { columns: ["bytes"], index: "ui_live_bytes", statusIndex: "ui_live_status_bytes" },
  name: { columns: ["filename COLLATE NOCASE"], index: "ui_live_name", statusIndex: "ui_live_status_name" },
  progress: { columns: ["progress"], index: "ui_live_progress", statusIndex: "ui_live_status_progress" },
  status: {
    columns: ["status", "added_on"],
    index: "ui_live_status_added",
    statusIndex: "ui_live_status_added",
  },
};

function orderBy(order: ListOrder, prefix = ""): string {
  const dir = order.dir === "asc" ? "ASC" : "DESC";
  const { columns } = SORT_COLUMNS[order.sort];
  return [...columns, "seq"].map((c) => `${prefix}${c} ${dir}`).join(", ");
}

const MATCH = "seq IN (SELECT rowid FROM torrent_search WHERE torrent_search MATCH ?)";

/**
 * SELECT of the seqs of a filtered, ordered list (no LIMIT). Every branch walks an index in the
 * wanted order; a group of statuses is a merge of one index-ordered arm per status, which
 * SQLite runs as a streaming MERGE instead of sorting every matching row.
 */
function orderedSeqSql(filter: ListFilter, order: ListOrder): { sql: string; params: string[] } {
  const params: string[] = [];
  const cols = SORT_COLUMNS[order.sort];
  const search = (where: string[]) => {
    if (filter.provider) {
      where.push("provider = ?");
      params.push(filter.provider);
    }
    if (filter.match) {
      where.push(MATCH);
      params.push(filter.match);
    }
    return where.join(" AND ");
  };
  switch (filter.status.kind) {
    case "all":
      return {
        sql: `SELECT seq FROM torrents INDEXED BY ${cols.index} WHERE ${search(["removed_at IS NULL"])} ORDER BY ${orderBy(order)}`,
        params,
      };
    case "status": {
      params.push(filter.status.status);
      const index = order.sort === "status" ? SORT_COLUMNS.added.statusIndex : cols.statusIndex;
      const sort = order.sort === "status" ? { ...order, sort: "added" as const } : order;
      return {
        sql: `SELECT seq FROM torrents INDEXED BY ${index} WHERE ${search(["removed_at IS NULL", "status = ?"])} ORDER BY ${orderBy(sort)}`,
        params,
      };
    }
    case "group": {
      if (filter.status.statuses.length === 0) return { sql: "SELECT 0 AS seq WHERE 0", params };
      const keys = cols.columns.map((c) => c.replace(" COLLATE NOCASE", ""));
      const arms = filter.status.statuses.map((status) => {
        params.push(status);
        const where = search(["removed_at IS NULL", "status = ?"]);
        return `SELECT seq, ${keys.join(", ")} FROM torrents INDEXED BY ${cols.statusIndex} WHERE ${where}`;
      });
      return { sql: `SELECT seq FROM (${arms.join(" UNION ALL ")} ORDER BY ${orderBy(order)})`, params };
    }
    case "removed":
      return {
        sql: `SELECT seq FROM torrents WHERE ${search(["removed_at IS NOT NULL"])} ORDER BY ${orderBy(order)}`,
        params,
      };
    case "missing_details":
      return {
        sql: `SELECT seq FROM torrents t INDEXED BY ${cols.index}
               WHERE ${search(["removed_at IS NULL", "NOT EXISTS (SELECT 1 FROM torrent_details d WHERE d.provider = t.provider AND d.id = t.id)"])}
               ORDER BY ${orderBy(order)}`,
        params,
      };
  }
}

/** One page of seqs, straight from the index (cheap while the offset is small). */
export function pageSeqs(
  dbh: DbHandle,
  filter: ListFilter,
  order: ListOrder,
  offset: number,
  limit: number,
): number[] {
  const { sql, params } = orderedSeqSql(filter, order);
  const rows = dbh.sqlite.query<{ seq: number }, Array<string | number>>(`${sql} LIMIT ? OFFSET ?`);
  return rows.all(...params, limit, offset).map((r) => r.seq);
}

/** Every seq of the list in order: the cache behind deep pages and searches. */
export function allSeqs(dbh: DbHandle, filter: ListFilter, order: ListOrder): Int32Array {
  const { sql, params } = orderedSeqSql(filter, order);
  const rows = dbh.sqlite.query<{ seq: number }, string[]>(sql).values(...params);
  const seqs = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) seqs[i] = Number((rows[i] as unknown[])[0]);
  return seqs;
}

/** Statement sizes of rowsBySeq: a short last page is padded up to one of them (seq 0 is no row). */
const SEQ_BATCHES = [25, 50, 100, 200];

/** The rows of the given seqs, in the order of `seqs`. */
export function rowsBySeq(dbh: DbHandle, seqs: readonly number[]): TorrentListRow[] {
  if (seqs.length === 0) return [];
  // Bound placeholders, padded to a few sizes so bun:sqlite prepares and caches four statements at
  // most; no JSON string to build and parse on every page.
  const size = SEQ_BATCHES.find((n) => n >= seqs.length) ?? seqs.length;
  const params =
    seqs.length === size ? [...seqs] : [...seqs, ...new Array<number>(size - seqs.length).fill(0)];
  const rows = dbh.sqlite
    .query<TorrentListRow, number[]>(
      // The details' file count and error are copied onto the row (migration 0020): no join, which
      // cost a random details-row read per torrent.
      `SELECT seq, id, provider, filename, status, bytes, added_on, progress, host, links_count, removed_at,
              details_error, details_files_count AS files_count, details_provider_error AS error,
              details_files_count IS NOT NULL AS has_details
         FROM torrents WHERE seq IN (${params.map(() => "?").join(", ")})`,
    )
    .all(...params);
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  return seqs.map((s) => bySeq.get(s)).filter((r): r is TorrentListRow => r !== undefined);
}

export interface StatusCounts {
  /** Present torrents per status (unknown statuses included as they come). */
  byStatus: Record<string, number>;
  present: number;
  removed: number;
  withDetails: number;
}

/** Counts over every provider's torrents, or over one provider's. */
export function statusCounts(dbh: DbHandle, provider: string | null = null): StatusCounts {
  if (provider !== null) return providerStatusCounts(dbh, provider);
  // The planner's covering index (removed_at, status, bytes) is the smallest one to scan here.
  const rows = dbh.sqlite
    .query<{ status: string; n: number }, []>(
      "SELECT status, COUNT(*) AS n FROM torrents WHERE removed_at IS NULL GROUP BY status",
    )
    .all();
  const byStatus: Record<string, number> = {};
  let present = 0;
  for (const r of rows) {
    byStatus[r.status] = r.n;
    present += r.n;
  }
  const removed =
    dbh.sqlite
      .query<{ n: number }, []>("SELECT COUNT(*) AS n FROM torrents WHERE removed_at IS NOT NULL")
      .get()?.n ?? 0;
  // All details minus those of removed torrents: a join over the few removed rows, not over
  // every present one (200 ms at 100,000 torrents).
  const withDetails =
    dbh.sqlite
      .query<{ n: number }, []>(
        `SELECT (SELECT COUNT(*) FROM torrent_details)
              - (SELECT COUNT(*) FROM torrents t JOIN torrent_details d ON d.provider = t.provider AND d.id = t.id
                   WHERE t.removed_at IS NOT NULL) AS n`,
      )
      .get()?.n ?? 0;
  return { byStatus, present, removed, withDetails };
}

function providerStatusCounts(dbh: DbHandle, provider: string): StatusCounts {
  const rows = dbh.sqlite
    .query<{ status: string; n: number; removed: number; details: number }, [string]>(
      `SELECT t.status, COUNT(*) FILTER (WHERE t.removed_at IS NULL) AS n,
              COUNT(*) FILTER (WHERE t.removed_at IS NOT NULL) AS removed,
              COUNT(d.id) FILTER (WHERE t.removed_at IS NULL) AS details
         FROM torrents t LEFT JOIN torrent_details d ON d.provider = t.provider AND d.id = t.id
        WHERE t.provider = ? GROUP BY t.status`,
    )
    .all(provider);
  const counts: StatusCounts = { byStatus: {}, present: 0, removed: 0, withDetails: 0 };
  for (const r of rows) {
    if (r.n > 0) counts.byStatus[r.status] = r.n;
    counts.present += r.n;
    counts.removed += r.removed;
    counts.withDetails += r.details;
  }
  return counts;
}

/** Present torrents per provider, biggest library first. */
export function providerCounts(dbh: DbHandle): Array<{ provider: string; count: number; bytes: number }> {
  return dbh.sqlite
    .query<{ provider: string; count: number; bytes: number }, []>(
      `SELECT provider, COUNT(*) AS count, COALESCE(SUM(bytes), 0) AS bytes FROM torrents
        WHERE removed_at IS NULL GROUP BY provider ORDER BY count DESC, provider`,
    )
    .all();
}

export interface LibraryVolume {
  bytes: number;
  added24h: number;
  added7d: number;
}

export function libraryVolume(dbh: DbHandle, now: number): LibraryVolume {
  const bytes =
    dbh.sqlite
      .query<{ b: number }, []>("SELECT COALESCE(SUM(bytes), 0) AS b FROM torrents WHERE removed_at IS NULL")
      .get()?.b ?? 0;
  const since = dbh.sqlite.query<{ n: number }, [string]>(
    "SELECT COUNT(*) AS n FROM torrents INDEXED BY ui_live_added WHERE removed_at IS NULL AND added_on >= ?",
  );
  return {
    bytes,
    added24h: since.get(new Date(now - 86_400_000).toISOString())?.n ?? 0,
    added7d: since.get(new Date(now - 7 * 86_400_000).toISOString())?.n ?? 0,
  };
}

/**
 * The library's change counter (ui_library_version, kept by triggers): it moves whenever a torrent
 * or its details change in a way pages show, from any connection or process. O(1), so caches
 * check it on every request.
 */
export function libraryVersion(dbh: DbHandle): number {
  return (
    dbh.sqlite.query<{ v: number }, []>("SELECT version AS v FROM ui_library_version WHERE id = 1").get()
      ?.v ?? 0
  );
}

/** The same counts over the torrents a search matches (the chips follow the search). */
export function matchingStatusCounts(dbh: DbHandle, provider: string | null, match: string): StatusCounts {
  const where = provider === null ? MATCH : `provider = ? AND ${MATCH}`;
  const params = provider === null ? [match] : [provider, match];
  const rows = dbh.sqlite
    .query<{ status: string; removed: number; n: number; details: number }, string[]>(
      `SELECT status, removed_at IS NOT NULL AS removed, COUNT(*) AS n,
              SUM(EXISTS (SELECT 1 FROM torrent_details d WHERE d.provider = t.provider AND d.id = t.id)) AS details
         FROM torrents t WHERE ${where} GROUP BY status, removed`,
    )
    .all(...params);
  const counts: StatusCounts = { byStatus: {}, present: 0, removed: 0, withDetails: 0 };
  for (const r of rows) {
    if (r.removed) {
      counts.removed += r.n;
      continue;
    }
    counts.byStatus[r.status] = r.n;
    counts.present += r.n;
    counts.withDetails += r.details;
  }
  return counts;
}
