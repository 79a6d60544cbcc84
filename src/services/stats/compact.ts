import type { DbHandle } from "../../db/client.ts";
import { libraryTotals } from "../../db/repo/library-stats.ts";
import { formatBytes, formatCount, formatPercent } from "../../lib/format.ts";

/** One line for cron and status bars: `4,233 torrents | 4,232 details (100.0%) | 0 active | 2 errors | 31.2 TB`. */
export function compactStatsLine(dbh: DbHandle): string {
  const t = libraryTotals(dbh);
  const coverage = formatPercent(t.withDetails, t.torrents);
  return `${formatCount(t.torrents)} torrents | ${formatCount(t.withDetails)} details (${coverage}) | ${formatCount(t.active)} active | ${formatCount(t.failed)} errors | ${formatBytes(t.bytes)}`;
}
