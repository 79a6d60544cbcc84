import type { Command } from "commander";
import { formatBytes, formatCount } from "../../lib/format.ts";
import type { TimeFormatter } from "../../lib/time-format.ts";
import type { LibraryStats } from "../../services/stats/index.ts";
import type { CliContext } from "../context.ts";

/** `redriva stats [--compact | --json]`. */
export function registerStatsCommand(program: Command, ctx: CliContext): void {
  program
    .command("stats")
    .description("Statistics of the mirrored library (no API call)")
    .option("--compact", "one line, for cron and status bars")
    .option("--json", "the full report as JSON")
    .action(async (flags: { compact?: boolean; json?: boolean }) => {
      const { compactStatsLine, getLibraryStats } = await import("../../services/stats/index.ts");
      const deps = ctx.deps();
      if (flags.compact) {
        ctx.out(compactStatsLine(deps.dbh));
        return;
      }
      const stats = getLibraryStats(deps);
      if (flags.json) {
        ctx.out(JSON.stringify(stats, null, 2));
        return;
      }
      for (const line of formatStats(stats, deps.time)) ctx.out(line);
    });
}

export function formatStats(s: LibraryStats, time: TimeFormatter): string[] {
  const pad = (label: string) => `  ${label.padEnd(22)}`;
  const lines = [
    "LIBRARY",
    `${pad("torrents")}${formatCount(s.overview.torrents)} (${formatCount(s.overview.removed)} removed at the provider)`,
    `${pad("details")}${formatCount(s.overview.withDetails)} (${s.overview.coveragePercent.toFixed(1)}% coverage)`,
    "",
    "VOLUME",
    `${pad("total")}${formatBytes(s.volume.totalBytes)}`,
    `${pad("downloaded")}${formatBytes(s.volume.downloadedBytes)}`,
    `${pad("average torrent")}${formatBytes(s.volume.averageBytes)}`,
    "",
    "RECENT ACTIVITY",
    `${pad("last 24 hours")}${formatCount(s.recent.last24h.count)} added (${formatBytes(s.recent.last24h.bytes)})`,
    `${pad("last 7 days")}${formatCount(s.recent.last7d.count)} added (${formatBytes(s.recent.last7d.bytes)})`,
    "",
    "DOWNLOADS AT THE PROVIDER",
    `${pad("active")}${formatCount(s.downloads.active)}${s.downloads.byStatus.length ? ` (${s.downloads.byStatus.map((b) => `${b.status} ${b.count}`).join(", ")})` : ""}`,
    `${pad("failed")}${formatCount(s.errors.failed)}`,
    "",
    "BY STATUS",
    ...s.byStatus.map(
      (b) =>
        `${pad(b.status)}${formatCount(b.count).padStart(8)}  ${b.percent.toFixed(1).padStart(5)}%  ${formatBytes(b.bytes)}`,
    ),
    "",
    "BY PROVIDER",
    ...s.byProvider.map(
      (p) => `${pad(p.provider)}${formatCount(p.count).padStart(8)}  ${formatBytes(p.bytes)}`,
    ),
    "",
    "TOP HOSTS",
    ...s.topHosts.map((h) => `${pad(h.host)}${formatCount(h.count).padStart(8)}  ${formatBytes(h.bytes)}`),
    "",
    "BIGGEST TORRENTS",
    ...s.biggest.map((b) => `  ${formatBytes(b.bytes).padStart(10)}  ${b.filename}  [${b.status}]`),
    "",
    "LAST SYNC",
    s.lastSync
      ? `  ${s.lastSync.mode} (${s.lastSync.provider}): ${s.lastSync.status}, ${time.dateTime(s.lastSync.finishedAt ?? s.lastSync.startedAt)} ${time.zone}`
      : "  never",
    "",
    "RECOMMENDATIONS",
    ...s.recommendations.map((r) => `  - ${r.text}${r.command ? ` (\`${r.command}\`)` : ""}`),
  ];
  return lines;
}
