import {
  allSeqs,
  type ListFilter,
  type ListOrder,
  type LiveTally,
  libraryVersion,
  liveTally,
  matchingStatusCounts,
  pageSeqs,
  providerCounts,
  recentlyAdded,
  rowsBySeq,
  type StatusCounts,
  statusCounts,
  type TorrentListRow,
} from "../../db/repo/torrent-queries.ts";
import type { Deps } from "../../deps.ts";
import { ACTIVE_STATUSES, FAILED_STATUSES } from "../../providers/types.ts";
import { toStatusFilter } from "./filters.ts";
import { buildMatchExpression } from "./search.ts";

export { SORT_KEYS, type SortDir, type SortKey, type StatusCounts } from "../../db/repo/torrent-queries.ts";

export interface ListQuery extends ListOrder {
  /** all | active | failed | removed | missing_details | a provider status */
  status: string;
  /** all | a provider kind */
  provider: string;
  q: string;
  page: number;
  perPage: number;
}

export interface ListResult {
  rows: TorrentListRow[];
  total: number;
  page: number;
  pages: number;
  perPage: number;
  counts: StatusCounts;
  /** Present torrents per provider (the provider filter's choices). */
  providers: Array<{ provider: string; count: number; bytes: number }>;
}

/** Below this offset a page comes straight from the index; deeper ones from the cached id list. */
const DIRECT_OFFSET_LIMIT = 1000;

/** Present torrents per provider and status: the one index walk behind every count below. */
function libraryTally(deps: Deps, version: number): LiveTally[] {
  return deps.libraryCache.get("tally", version, () => liveTally(deps.dbh));
}

/** Counts per status, of every provider or of one (cached until the library changes). */
export function libraryCounts(
  deps: Deps,
  provider: string | null = null,
  version = libraryVersion(deps.dbh),
): StatusCounts {
  return deps.libraryCache.get(`counts|${provider ?? ""}`, version, () =>
    statusCounts(deps.dbh, provider, libraryTally(deps, version)),
  );
}

/** Present torrents per provider (cached until the library changes). */
function libraryProviders(deps: Deps, version = libraryVersion(deps.dbh)): ListResult["providers"] {
  return deps.libraryCache.get("providers", version, () =>
    providerCounts(deps.dbh, libraryTally(deps, version)),
  );
}

function knownTotal(counts: StatusCounts, filter: ListFilter): number | null {
  if (filter.match) return null;
  const s = filter.status;
  switch (s.kind) {
    case "all":
      return counts.present;
    case "status":
      return counts.byStatus[s.status] ?? 0;
    case "group":
      return s.statuses.reduce((sum, st) => sum + (counts.byStatus[st] ?? 0), 0);
    case "removed":
      return counts.removed;
    case "missing_details":
      return null;
  }
}

/**
 * One page of the torrent list. Page 1 and nearby pages read LIMIT/OFFSET straight from the
 * partial index that matches the sort; deep pages, searches and "without details" slice a cached
 * ordered id list, so any page costs the same once the list is known.
 */
export function listTorrents(deps: Deps, query: ListQuery): ListResult {
  const provider = query.provider === "all" ? null : query.provider;
  const filter: ListFilter = {
    status: toStatusFilter(query.status),
    provider,
    match: buildMatchExpression(query.q),
  };
  const order: ListOrder = { sort: query.sort, dir: query.dir };
  // Read once: every cached part of the page is of the same library version.
  const version = libraryVersion(deps.dbh);
  // The status chips count what the search matches ("All 3,237" beside 0 results was wrong).
  const counts = filter.match
    ? deps.libraryCache.get(`counts|${provider ?? ""}|${filter.match}`, version, () =>
        matchingStatusCounts(deps.dbh, provider, filter.match as string),
      )
    : libraryCounts(deps, provider, version);
  const offset = (query.page - 1) * query.perPage;
  let total = knownTotal(counts, filter);
  let seqs: number[];
  if (total !== null && offset + query.perPage <= DIRECT_OFFSET_LIMIT) {
    seqs = pageSeqs(deps.dbh, filter, order, offset, query.perPage);
  } else {
    const key = `seqs|${query.provider}|${query.status}|${filter.match ?? ""}|${order.sort}|${order.dir}`;
    const all = deps.libraryCache.get(
      key,
      version,
      () => allSeqs(deps.dbh, filter, order),
      (list) => list.length,
    );
    total = all.length;
    seqs = Array.from(all.subarray(offset, offset + query.perPage));
  }
  return {
    rows: rowsBySeq(deps.dbh, seqs),
    total,
    page: query.page,
    pages: Math.max(1, Math.ceil(total / query.perPage)),
    perPage: query.perPage,
    counts,
    providers: libraryProviders(deps, version),
  };
}

export interface DashboardSummary {
  torrents: number;
  withDetails: number;
  coveragePercent: number;
  active: number;
  failed: number;
  removed: number;
  bytes: number;
  added24h: number;
  added7d: number;
  /** Present torrents per provider. */
  byProvider: ListResult["providers"];
}

/** The dashboard's stat cards (cached per library version and minute). */
export function dashboardSummary(deps: Deps): DashboardSummary {
  const version = libraryVersion(deps.dbh);
  const counts = libraryCounts(deps, null, version);
  const byProvider = libraryProviders(deps, version);
  const now = deps.clock.now();
  const minute = Math.floor(now / 60_000);
  const added = deps.libraryCache.get(`added|${minute}`, version, () => recentlyAdded(deps.dbh, now));
  const sum = (list: readonly string[]) => list.reduce((n, s) => n + (counts.byStatus[s] ?? 0), 0);
  return {
    torrents: counts.present,
    withDetails: counts.withDetails,
    coveragePercent: counts.present > 0 ? Math.floor((counts.withDetails / counts.present) * 1000) / 10 : 0,
    active: sum(ACTIVE_STATUSES),
    failed: sum(FAILED_STATUSES),
    removed: counts.removed,
    bytes: byProvider.reduce((n, p) => n + p.bytes, 0),
    added24h: added.added24h,
    added7d: added.added7d,
    byProvider,
  };
}
