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
  recommendations: string[];
}

/**
 * The report for the web pages: it scans the whole library (hundreds of ms at 100,000 torrents),
 * so it is computed once per library change and minute (its "last 24 h" figures move with time).
 */
export function cachedLibraryStats(deps: Deps): LibraryStats {
  const minute = Math.floor(deps.clock.now() / 60_000);
  return deps.libraryCache.get(`stats|${minute}`, libraryVersion(deps.dbh), () => getLibraryStats(deps));
}

/** Library size over time (one point per sync), thinned for a chart. */
export function librarySeries(deps: Deps): SnapshotPoint[] {
  return snapshotSeries(deps.dbh);
}

/** The full statistics report (CLI `stats`, `/stats`, `/api/stats`). */
export function getLibraryStats(deps: Deps): LibraryStats {
  const now = deps.clock.now();
  const totals = libraryTotals(deps.dbh);
  const statuses = countByStatus(deps.dbh);
  const lastRun = recentRuns(deps.dbh, 1)[0] ?? null;
  const stale = staleDetailsCount(deps.dbh, now - STALE_AFTER_MS);
  const detailsErrors = detailsErrorCount(deps.dbh);
  const coverage = totals.torrents > 0 ? (totals.withDetails / totals.torrents) * 100 : 0;
  const stats: LibraryStats = {
    generatedAt: now,
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
    recent: {
      last24h: addedSince(deps.dbh, new Date(now - 86_400_000).toISOString()),
      last7d: addedSince(deps.dbh, new Date(now - 7 * 86_400_000).toISOString()),
    },
    downloads: {
      active: totals.active,
      byStatus: statuses
        .filter((s) => ACTIVE_STATUSES.includes(s.status))
        .map(({ status, count }) => ({ status, count })),
    },
    errors: { failed: totals.failed, detailsErrors },
    byStatus: statuses.map((s) => ({
      ...s,
      percent: totals.torrents > 0 ? Math.round((s.count / totals.torrents) * 1000) / 10 : 0,
    })),
    byProvider: providerCounts(deps.dbh),
    topHosts: topHosts(deps.dbh, 5),
    biggest: biggestTorrents(deps.dbh, 5),
    staleDetails: stale,
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

function recommend(stats: LibraryStats, now: number): string[] {
  const tips: string[] = [];
  if (stats.overview.torrents === 0) {
    tips.push(
      "The library is empty: run `redriva sync torrents` for a fast overview, then `redriva sync smart`.",
    );
    return tips;
  }
  if (stats.lastSync && ["interrupted", "failed"].includes(stats.lastSync.status)) {
    tips.push(
      `The last sync (${stats.lastSync.mode}) ${stats.lastSync.status}: run \`redriva sync resume\`.`,
    );
  }
  if (stats.overview.coveragePercent < 100) {
    const missing = stats.overview.torrents - stats.overview.withDetails;
    tips.push(`${formatCount(missing)} torrents have no details yet: run \`redriva sync smart\`.`);
  }
  if (stats.errors.failed > 0) {
    tips.push(
      `${formatCount(stats.errors.failed)} torrents are in a failed status: run \`redriva diagnose\`.`,
    );
  }
  if (stats.errors.detailsErrors > 0) {
    tips.push(
      `${formatCount(stats.errors.detailsErrors)} details could not be fetched last time: \`redriva sync smart\` retries them.`,
    );
  }
  if (stats.staleDetails > 0) {
    tips.push(
      `${formatCount(stats.staleDetails)} details are older than 7 days: \`redriva sync smart\` refreshes them.`,
    );
  }
  if (stats.lastSync?.finishedAt && now - stats.lastSync.finishedAt > 86_400_000) {
    tips.push("The last sync is more than a day old: schedule `redriva sync smart` (see Jobs).");
  }
  if (tips.length === 0) tips.push("Everything is up to date.");
  return tips;
}

export { compactStatsLine } from "./compact.ts";
export { ACTIVE_STATUSES };
