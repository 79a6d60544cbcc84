import type { Deps } from "../../deps.ts";
import { mountApi } from "../api/openapi-route.ts";
import type { App } from "../context.ts";
import { JOBS_API } from "./api.ts";
import { registerMetrics } from "./metrics.ts";
import { registerJobsHtml } from "./pages.ts";
import { registerReports } from "./reports.ts";

/** Mounts /jobs, /api/jobs, /reports and /metrics. */
export function registerJobsPages(app: App, deps: Deps): void {
  registerJobsHtml(app, deps);
  mountApi(app, deps, JOBS_API);
  registerReports(app, deps);
  registerMetrics(app, deps);
}
