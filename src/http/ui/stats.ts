import { snapshotSeries } from "../../db/repo/torrent-detail-queries.ts";
import { libraryVersion } from "../../db/repo/torrent-queries.ts";
import type { Deps } from "../../deps.ts";
import { statusTone } from "../../services/library-view/filters.ts";
import { getLibraryStats, type LibraryStats } from "../../services/stats/index.ts";
import type { App } from "../context.ts";
import { render } from "../render.ts";
import { donut, lineChart, niceMaxBytes } from "./charts.ts";
import { viewHelpers } from "./view-helpers.ts";

/** /stats: the CLI's statistics report as a page, with charts; /api/stats is the same as JSON. */
export function registerStats(app: App, deps: Deps): void {
  // The report scans the whole library (hundreds of ms at 100,000 torrents): computed once per
  // library change and minute (its "last 24 h" figures move with time).
  const report = (): LibraryStats => {
    const minute = Math.floor(deps.clock.now() / 60_000);
    return deps.libraryCache.get(`stats|${minute}`, libraryVersion(deps.dbh), () => getLibraryStats(deps));
  };

  app.get("/stats", (c) => {
    const stats = report();
    const series = snapshotSeries(deps.dbh).map((s) => ({ at: s.taken_at, a: s.torrents, b: s.bytes }));
    const statusSlices = donut(stats.byStatus.map((s) => ({ key: s.status, value: s.count })));
    return render(c, "ui/stats", {
      title: "Statistics",
      stats,
      overTime: lineChart(series, 1200, 300, niceMaxBytes),
      snapshots: series.length,
      statusSlices,
      tone: statusTone,
      h: viewHelpers,
    });
  });

  app.get("/api/stats", (c) => c.json(report()));
}
