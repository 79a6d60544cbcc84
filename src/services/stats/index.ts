import {
  addedSince,
  biggestTorrents,
  countByStatus,
  detailsErrorCount,
  libraryTotals,
  staleDetailsCount,
  topHosts,
} from "../../db/repo/library-stats.ts";
import { recentRuns } from "../../db/repo/sync-runs.ts";
import { type SnapshotPoint, snapshotSeries } from "../../db/repo/torrent-detail-queries.ts";
import { libraryVersion, providerCounts } from "../../db/repo/torrent-queries.ts";
import type { Deps } from "../../deps.ts";
import { formatCount } from "../../lib/format.ts";
import { ACTIVE_STATUSES } from "../../providers/types.ts";
import { STALE_AFTER_MS } from "../sync/plan.ts";

export interface LibraryStats {
  generatedAt: number;
  overview: { torrents: number; removed: number; withDetails: number; coveragePercent: number };
  volume: { totalBytes: number; averageBytes: number; downloadedBytes: number };
  recent: { last24h: { count: number; bytes: number }; last7d: { count: number; bytes: number } };
  downloads: { active: number; byStatus: Array<{ status: string; count: number }> };
  errors: { failed: number; detailsErrors: number };
  byStatus: Array<{ status: string; count: number; bytes: number; percent: number }>;
  /** Present torrents per provider. */
  byProvider: Array<{ provider: string; count: number; bytes: number }>;
  topHosts: Array<{ host: string; count: number; bytes: number }>;
  biggest: Array<{ provider: string; id: string; filename: string; bytes: number; status: string }>;
  staleDetails: number;
  lastSync: {
    provider: string;
    mode: string;
    status: string;
    finishedAt: number | null;
    startedAt: number;
  } | null;
  recommendations: Recommendation[];
}

/**
 * One piece of advice. `text` holds no command: the CLI appends `command`, the web UI offers a
 * button for `action` (a dashboard sync action, or the diagnosis page).
 */
export interface Recommendation {
  text: string;
  command?: string;
  action?: "smart" | "torrents" | "resume" | "errors" | "diagnose" | "jobs";
}

/**
 * The report for the web pages. Its figures scan the whole library (hundreds of ms at 100,000
 * torrents, the server answering nothing meanwhile), so they are computed once per library
 * change; what moves with the clock alone (last 24 h, stale details, the last sync, advice) is
 * cheap and recomputed each minute.
 */
export function cachedLibraryStats(deps: Deps): LibraryStats {
  const now = deps.clock.now();
  const version = libraryVersion(deps.dbh);
  const figures = deps.libraryCache.get("stats-figures", version, () => libraryFigures(deps));
  const minute = Math.floor(now / 60_000);
  return deps.libraryCache.get(`stats|${minute}`, version, () => withTimedFigures(deps, figures, now));
}

/** The ranges /stats offers for its charts, in days (null: the whole history). */
export const SERIES_RANGES = { "7d": 7, "30d": 30, "90d": 90, all: null } as const;
export type SeriesRange = keyof typeof SERIES_RANGES;

export function isSeriesRange(value: unknown): value is SeriesRange {
  return typeof value === "string" && Object.hasOwn(SERIES_RANGES, value);
}

/** Library size over time (one point per sync) over the range, thinned for a chart. */
export function librarySeries(deps: Deps, range: SeriesRange = "all"): SnapshotPoint[] {
  const days = SERIES_RANGES[range];
  return snapshotSeries(deps.dbh, 120, days === null ? 0 : deps.clock.now() - days * 86_400_000);
}

/** The full statistics report (CLI `stats`, `/stats`, `/api/stats`). */
export function getLibraryStats(deps: Deps): LibraryStats {
  return withTimedFigures(deps, libraryFigures(deps), deps.clock.now());
}

/** What changes only when the library does. */
type LibraryFigures = Omit<
  LibraryStats,
  "generatedAt" | "recent" | "staleDetails" | "lastSync" | "recommendations"
>;

function libraryFigures(deps: Deps): LibraryFigures {
  const totals = libraryTotals(deps.dbh);
  const statuses = countByStatus(deps.dbh);
  const coverage = totals.torrents > 0 ? (totals.withDetails / totals.torrents) * 100 : 0;
  return {
    overview: {
      torrents: totals.torrents,
      removed: totals.removed,
      withDetails: totals.withDetails,
      coveragePercent: Math.round(coverage * 10) / 10,
    },
    volume: {
      totalBytes: totals.bytes,
      averageBytes: totals.torrents > 0 ? Math.round(totals.bytes / totals.torrents) : 0,
      downloadedBytes: statuses.find((s) => s.status === "downloaded")?.bytes ?? 0,
    },
    downloads: {
      active: totals.active,
      byStatus: statuses
        .filter((s) => ACTIVE_STATUSES.includes(s.status))
        .map(({ status, count }) => ({ status, count })),
    },
    errors: { failed: totals.failed, detailsErrors: detailsErrorCount(deps.dbh) },
    byStatus: statuses.map((s) => ({
      ...s,
      percent: totals.torrents > 0 ? Math.round((s.count / totals.torrents) * 1000) / 10 : 0,
    })),
    byProvider: providerCounts(deps.dbh),
    topHosts: topHosts(deps.dbh, 5),
    biggest: biggestTorrents(deps.dbh, 5),
  };
}

/** The figures that move with the clock (cheap: index ranges and the last run). */
function withTimedFigures(deps: Deps, figures: LibraryFigures, now: number): LibraryStats {
  const lastRun = recentRuns(deps.dbh, 1)[0] ?? null;
  const stats: LibraryStats = {
    generatedAt: now,
    overview: figures.overview,
    volume: figures.volume,
    recent: {
      last24h: addedSince(deps.dbh, new Date(now - 86_400_000).toISOString()),
      last7d: addedSince(deps.dbh, new Date(now - 7 * 86_400_000).toISOString()),
    },
    downloads: figures.downloads,
    errors: figures.errors,
    byStatus: figures.byStatus,
    byProvider: figures.byProvider,
    topHosts: figures.topHosts,
    biggest: figures.biggest,
    staleDetails: staleDetailsCount(deps.dbh, now - STALE_AFTER_MS),
    lastSync: lastRun
      ? {
          provider: lastRun.provider,
          mode: lastRun.mode,
          status: lastRun.status,
          finishedAt: lastRun.finished_at,
          startedAt: lastRun.started_at,
        }
      : null,
    recommendations: [],
  };
  stats.recommendations = recommend(stats, now);
  return stats;
}

function recommend(stats: LibraryStats, now: number): Recommendation[] {
  const tips: Recommendation[] = [];
  if (stats.overview.torrents === 0) {
    tips.push({
      text: "The library is empty: list it first for a fast overview, then run a smart sync.",
      command: "redriva sync torrents",
      action: "torrents",
    });
    return tips;
  }
  if (stats.lastSync && ["interrupted", "failed"].includes(stats.lastSync.status)) {
    tips.push({
      text: `The last sync (${stats.lastSync.mode}) ${stats.lastSync.status}: resume it where it stopped.`,
      command: "redriva sync resume",
      action: "resume",
    });
  }
  if (stats.overview.coveragePercent < 100) {
    const missing = stats.overview.torrents - stats.overview.withDetails;
    tips.push({
      text: `${formatCount(missing)} torrents have no details yet: a smart sync fetches them.`,
      command: "redriva sync smart",
      action: "smart",
    });
  }
  if (stats.errors.failed > 0) {
    tips.push({
      text: `${formatCount(stats.errors.failed)} torrents are in a failed status: the diagnosis groups them by cause, with what to do.`,
      command: "redriva diagnose",
      action: "diagnose",
    });
  }
  if (stats.errors.detailsErrors > 0) {
    tips.push({
      text: `${formatCount(stats.errors.detailsErrors)} details could not be fetched last time: a smart sync retries them.`,
      command: "redriva sync smart",
      action: "smart",
    });
  }
  if (stats.staleDetails > 0) {
    tips.push({
      text: `${formatCount(stats.staleDetails)} details are older than 7 days: a smart sync refreshes them.`,
      command: "redriva sync smart",
      action: "smart",
    });
  }
  if (stats.lastSync?.finishedAt && now - stats.lastSync.finishedAt > 86_400_000) {
    tips.push({ text: "The last sync is more than a day old: schedule the smart sync.", action: "jobs" });
  }
  if (tips.length === 0) tips.push({ text: "Everything is up to date." });
  return tips;
}

export { compactStatsLine } from "./compact.ts";
export { ACTIVE_STATUSES };
