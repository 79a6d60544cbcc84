import type { Deps } from "../../deps.ts";
import { statusTone } from "../../services/library-view/filters.ts";
import { SYNC_ACTIONS } from "../../services/library-view/sync-console.ts";
import { cachedLibraryStats, librarySeries } from "../../services/stats/index.ts";
import { type ApiRoute, apiRoute } from "../api/openapi-route.ts";
import type { App } from "../context.ts";
import { render } from "../render.ts";
import { donut, lineChart, niceMaxBytes } from "./charts.ts";
import { viewHelpers } from "./view-helpers.ts";

/** /stats: the CLI's statistics report as a page, with charts; /api/stats is the same as JSON. */
export function registerStats(app: App, deps: Deps): void {
  const report = () => cachedLibraryStats(deps);

  app.get("/stats", (c) => {
    const stats = report();
    const series = librarySeries(deps).map((s) => ({ at: s.taken_at, a: s.torrents, b: s.bytes }));
    const statusSlices = donut(stats.byStatus.map((s) => ({ key: s.status, value: s.count })));
    return render(c, "ui/stats", {
      title: "Statistics",
      stats,
      overTime: lineChart(series, 1200, 300, niceMaxBytes),
      snapshots: series.length,
      statusSlices,
      tone: statusTone,
      syncActions: SYNC_ACTIONS,
      h: viewHelpers(deps.time),
    });
  });
}

/** GET /api/stats: the statistics report as JSON (what `redriva stats --json` prints). */
export const STATS_API: readonly ApiRoute[] = [
  apiRoute(
    {
      method: "get",
      path: "/api/stats",
      tag: "Library",
      summary: "The library statistics report (cached until the library changes)",
      responses: { 200: { description: "Coverage, volumes, activity, breakdowns, recommendations" } },
    },
    (c, _input, deps) => c.json(cachedLibraryStats(deps)),
  ),
];
