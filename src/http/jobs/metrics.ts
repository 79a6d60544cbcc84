import type { Deps } from "../../deps.ts";
import { renderMetrics } from "../../services/metrics/index.ts";
import type { App } from "../context.ts";

/**
 * GET /metrics (Prometheus text). Behind the web login like every page: with a login
 * configured, Prometheus scrapes with HTTP Basic and the Redriva credentials (`basic_auth` in
 * prometheus.yml), which the web-auth middleware accepts on GET.
 */
export function registerMetrics(app: App, deps: Deps): void {
  app.get("/metrics", async (c) => {
    const { contentType, body } = await renderMetrics(deps);
    return c.body(body, 200, { "content-type": contentType, "cache-control": "no-store" });
  });
}
