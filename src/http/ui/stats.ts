import type { Deps } from "../../deps.ts";
import { statusTone } from "../../services/library-view/filters.ts";
import { SYNC_ACTIONS } from "../../services/library-view/sync-console.ts";
import {
  cachedLibraryStats,
  isSeriesRange,
  librarySeries,
  SERIES_RANGES,
} from "../../services/stats/index.ts";
import { type ApiRoute, apiRoute } from "../api/openapi-route.ts";
import { libraryStatsSchema } from "../api/responses/library.ts";
import type { App } from "../context.ts";
import { render } from "../render.ts";
import { donut, lineChart, niceMaxBytes } from "./charts.ts";
import { viewHelpers } from "./view-helpers.ts";

/** /stats: the CLI's statistics report as a page, with charts; /api/stats is the same as JSON. */
export function registerStats(app: App, deps: Deps): void {
  const report = () => cachedLibraryStats(deps);

  app.get("/stats", (c) => {
    const stats = report();
    const asked = c.req.query("range");
    const range = isSeriesRange(asked) ? asked : "30d";
    const series = librarySeries(deps, range);
    // One axis per chart: the count, then the size, each over the same dates.
    const single = (value: (p: (typeof series)[number]) => number) =>
      series.map((p) => ({ at: p.taken_at, a: value(p), b: value(p) }));
    const statusSlices = donut(stats.byStatus.map((s) => ({ key: s.status, value: s.count })));
    return render(c, "ui/stats", {
      title: "Statistics",
      stats,
      countChart: lineChart(
        single((p) => p.torrents),
        1200,
        220,
      ),
      sizeChart: lineChart(
        single((p) => p.bytes),
        1200,
        220,
        niceMaxBytes,
        niceMaxBytes,
      ),
      range,
      ranges: Object.keys(SERIES_RANGES),
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
      responses: {
        200: {
          description: "Coverage, volumes, activity, breakdowns, recommendations",
          schema: libraryStatsSchema,
        },
      },
    },
    (c, _input, deps) => c.json(cachedLibraryStats(deps)),
  ),
];
