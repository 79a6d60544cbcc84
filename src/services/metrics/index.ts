import type { Registry } from "prom-client";
import { insertSamples, type MetricSample } from "../../db/repo/metrics.ts";
import type { Deps } from "../../deps.ts";
import { registerBuiltinMetrics } from "./builtin.ts";
import type { Metrics } from "./state.ts";

/**
 * Prometheus metrics of one process (their state is `deps.metrics`, see state.ts). Extension
 * points for other features:
 * - `onRegistry(deps, (registry) => ...)`: create your prom-client metrics (with
 *   `registers: [registry]`) when the registry is built, typically with a `collect()`;
 * - `registerDownloadStats(deps, source)`: the download client's active/queued/speed gauges.
 */
function state(deps: Deps): Metrics {
  return deps.metrics.startCounting();
}

/** Starts counting debrid responses (the server calls it at start; scrapes see everything since). */
export function startCounting(deps: Deps): void {
  state(deps);
}

/** The prom-client registry, built (and prom-client loaded) on first use. */
export function metricsRegistry(deps: Deps): Registry {
  const s = state(deps);
  if (s.registry) return s.registry;
  const { Registry: RegistryClass, collectDefaultMetrics } =
    require("prom-client") as typeof import("prom-client");
  const registry = new RegistryClass();
  // Precision 1 s: the default 10 ms timer would cost ~1% CPU in an idle process.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 1000 });
  registerBuiltinMetrics(registry, deps, s.counts);
  s.registry = registry;
  for (const build of s.builders) build(registry);
  return registry;
}

/** Calls `build(registry)` once the registry exists (now, if it already does). */
export function onRegistry(deps: Deps, build: (registry: Registry) => void): void {
  const s = state(deps);
  s.builders.push(build);
  if (s.registry) build(s.registry);
}

export interface DownloadStats {
  active: number;
  queued: number;
  bytesPerSecond: number;
}

/** For the download client: its gauges, read from `source` at each scrape. */
export function registerDownloadStats(deps: Deps, source: () => DownloadStats): void {
  onRegistry(deps, (registry) => {
    const { Gauge } = require("prom-client") as typeof import("prom-client");
    const gauge = (name: string, help: string, pick: (s: DownloadStats) => number) => {
      registry.removeSingleMetric(name);
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(pick(source()));
        },
      });
    };
    gauge("redriva_downloads_active", "Downloads in progress", (s) => s.active);
    gauge("redriva_downloads_queued", "Downloads waiting in the queue", (s) => s.queued);
    gauge("redriva_download_bytes_per_second", "Total download speed", (s) => s.bytesPerSecond);
  });
}

/** The Prometheus text exposition. */
export async function renderMetrics(deps: Deps): Promise<{ contentType: string; body: string }> {
  const registry = metricsRegistry(deps);
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * Once a minute, stores the minute's debrid requests per provider in metric_samples (history
 * beyond Prometheus, kept METRICS_RETENTION_DAYS). Returns the stop function.
 */
export function startMetricsSampler(deps: Deps): () => void {
  const s = state(deps);
  const flush = () => {
    if (s.minute.size === 0) return;
    const at = Math.floor(deps.clock.now() / 60_000) * 60_000 - 60_000;
    const samples: MetricSample[] = [];
    for (const [provider, m] of s.minute) {
      samples.push({ name: "debrid_requests", labels: { provider }, at, value: m.requests });
      if (m.rateLimited > 0)
        samples.push({ name: "debrid_rate_limited", labels: { provider }, at, value: m.rateLimited });
    }
    s.minute.clear();
    try {
      insertSamples(deps.dbh.db, samples);
    } catch (error) {
      deps.log.warn({ err: error }, "could not store metric samples");
    }
  };
  const timer = setInterval(flush, 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
