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

/** Present torrents of one provider in one status: how many, their bytes, how many have details. */
export interface LiveTally {
  provider: string;
  status: string;
  n: number;
  bytes: number;
  details: number;
}

/**
 * Every count of the list's chips and provider filter in one walk of one covering index
 * (ui_live_counts, migration 0022): 100,000 index entries instead of a table scan per figure.
 */
export function liveTally(dbh: DbHandle): LiveTally[] {
  return dbh.sqlite
    .query<LiveTally, []>(
      `SELECT provider, status, COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS bytes, COUNT(details_files_count) AS details
         FROM torrents INDEXED BY ui_live_counts WHERE removed_at IS NULL GROUP BY provider, status`,
    )
    .all();
}

/** Removed torrents, of every provider or of one (the few removed rows, through ui_removed). */
function removedCount(dbh: DbHandle, provider: string | null): number {
  const sql = `SELECT COUNT(*) AS n FROM torrents INDEXED BY ui_removed WHERE removed_at IS NOT NULL${provider === null ? "" : " AND provider = ?"}`;
  const params = provider === null ? [] : [provider];
  return dbh.sqlite.query<{ n: number }, string[]>(sql).get(...params)?.n ?? 0;
}

/** Counts over every provider's torrents, or over one provider's. */
export function statusCounts(
  dbh: DbHandle,
  provider: string | null = null,
  tally: readonly LiveTally[] = liveTally(dbh),
): StatusCounts {
  return tallyCounts(tally, provider, removedCount(dbh, provider));
}

function tallyCounts(tally: readonly LiveTally[], provider: string | null, removed: number): StatusCounts {
  const counts: StatusCounts = { byStatus: {}, present: 0, removed, withDetails: 0 };
  for (const t of tally) {
    if (provider !== null && t.provider !== provider) continue;
    counts.byStatus[t.status] = (counts.byStatus[t.status] ?? 0) + t.n;
    counts.present += t.n;
    counts.withDetails += t.details;
  }
  return counts;
}

/** Present torrents per provider, biggest library first. */
export function providerCounts(
  dbh: DbHandle,
  tally: readonly LiveTally[] = liveTally(dbh),
): Array<{ provider: string; count: number; bytes: number }> {
  const byProvider = new Map<string, { provider: string; count: number; bytes: number }>();
  for (const t of tally) {
    const p = byProvider.get(t.provider) ?? { provider: t.provider, count: 0, bytes: 0 };
    p.count += t.n;
    p.bytes += t.bytes;
    byProvider.set(t.provider, p);
  }
  return [...byProvider.values()].sort(
    (a, b) => b.count - a.count || (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0),
  );
}

/** Present torrents added in the last 24 hours and 7 days (total bytes come from liveTally). */
export function recentlyAdded(dbh: DbHandle, now: number): { added24h: number; added7d: number } {
  const since = dbh.sqlite.query<{ n: number }, [string]>(
    "SELECT COUNT(*) AS n FROM torrents INDEXED BY ui_live_added WHERE removed_at IS NULL AND added_on >= ?",
  );
  return {
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
  // One walk of the narrow covering index, testing each seq against the matches: cheaper than a
  // table-row read per match (50,000 for "1080p").
  const tally = dbh.sqlite
    .query<LiveTally, string[]>(
      `SELECT provider, status, COUNT(*) AS n, 0 AS bytes, COUNT(details_files_count) AS details
         FROM torrents INDEXED BY ui_live_counts WHERE removed_at IS NULL AND ${where} GROUP BY provider, status`,
    )
    .all(...params);
  const removed = dbh.sqlite
    .query<{ n: number }, string[]>(
      `SELECT COUNT(*) AS n FROM torrents INDEXED BY ui_removed WHERE removed_at IS NOT NULL AND ${where}`,
    )
    .get(...params);
  return tallyCounts(tally, provider, removed?.n ?? 0);
}
