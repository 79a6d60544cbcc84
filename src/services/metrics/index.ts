import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { DbHandle } from "../../db/client.ts";
import { insertSamples, type MetricSample } from "../../db/repo/metrics.ts";
import type { Deps } from "../../deps.ts";
import { registerBuiltinMetrics } from "./builtin.ts";

/**
 * Prometheus metrics of one process (one registry per database handle, so tests with several
 * deps do not mix). Extension points for other features:
 * - `metricsRegistry(deps)`: create your own prom-client metric with `registers: [registry]`;
 * - `onScrape(deps, fn)`: refresh your gauges just before each scrape;
 * - `registerDownloadStats(deps, source)`: the download client's active/queued/speed gauges.
 */
interface MetricsState {
  registry: Registry;
  scrapeHooks: Set<() => void | Promise<void>>;
  /** Requests of the current minute, by provider, for metric_samples. */
  minute: Map<string, { requests: number; rateLimited: number }>;
}

const states = new WeakMap<DbHandle, MetricsState>();

function state(deps: Deps): MetricsState {
  let s = states.get(deps.dbh);
  if (s) return s;
  const registry = new Registry();
  // Precision 1 s: the default 10 ms timer would cost ~1% CPU in an idle process.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 1000 });
  const provider = registerBuiltinMetrics(registry, deps);
  const minute = new Map<string, { requests: number; rateLimited: number }>();
  deps.providers.onResponse((info) => {
    provider.requests.inc({ provider: info.provider, code: String(info.status) });
    provider.duration.observe({ provider: info.provider }, info.elapsedMs / 1000);
    if (info.status === 429) provider.rateLimited.inc({ provider: info.provider });
    const m = minute.get(info.provider) ?? { requests: 0, rateLimited: 0 };
    m.requests++;
    if (info.status === 429) m.rateLimited++;
    minute.set(info.provider, m);
  });
  s = { registry, scrapeHooks: new Set(), minute };
  states.set(deps.dbh, s);
  return s;
}

/** The registry: builds it (and starts counting provider responses) on first use. */
export function metricsRegistry(deps: Deps): Registry {
  return state(deps).registry;
}

/** Runs `fn` before every scrape; returns the function that removes it. */
export function onScrape(deps: Deps, fn: () => void | Promise<void>): () => void {
  const hooks = state(deps).scrapeHooks;
  hooks.add(fn);
  return () => hooks.delete(fn);
}

export interface DownloadStats {
  active: number;
  queued: number;
  bytesPerSecond: number;
}

/** For the download client: its gauges, read from `source` at each scrape. */
export function registerDownloadStats(deps: Deps, source: () => DownloadStats): () => void {
  const registry = metricsRegistry(deps);
  const names = ["redriva_downloads_active", "redriva_downloads_queued", "redriva_download_bytes_per_second"];
  for (const name of names) registry.removeSingleMetric(name);
  const registers = [registry];
  const active = new Gauge({ name: names[0] as string, help: "Downloads in progress", registers });
  const queued = new Gauge({ name: names[1] as string, help: "Downloads waiting in the queue", registers });
  const speed = new Gauge({ name: names[2] as string, help: "Total download speed", registers });
  const off = onScrape(deps, () => {
    const stats = source();
    active.set(stats.active);
    queued.set(stats.queued);
    speed.set(stats.bytesPerSecond);
  });
  return () => {
    off();
    for (const name of names) registry.removeSingleMetric(name);
  };
}

/** The Prometheus text exposition. */
export async function renderMetrics(deps: Deps): Promise<{ contentType: string; body: string }> {
  const s = state(deps);
  for (const hook of s.scrapeHooks) await hook();
  return { contentType: s.registry.contentType, body: await s.registry.metrics() };
}

/**
 * Once a minute, stores the minute's debrid requests per provider in metric_samples (history
 * beyond Prometheus, kept METRICS_RETENTION_DAYS). Returns the stop function.
 */
export function startMetricsSampler(deps: Deps): () => void {
  const s = state(deps);
  const flush = () => {
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
