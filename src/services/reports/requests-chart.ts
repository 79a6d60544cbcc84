import type { RequestBucket } from "../../lib/report-sections.ts";
import type { TimeFormatter } from "../../lib/time-format.ts";
import { stackedColumns } from "./svg.ts";

const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/**
 * The requests a run made, regrouped into at most 60 columns of a readable width (1 s .. 1 h),
 * as an SVG. Null when the run made no request.
 */
export function requestsChart(
  buckets: RequestBucket[],
  startedAt: number,
  finishedAt: number,
  time: TimeFormatter,
) {
  if (buckets.length === 0) return null;
  const start = Math.floor(startedAt / 1000);
  const span = Math.max(1, Math.ceil(finishedAt / 1000) - start + 1);
  const step = STEPS.find((s) => span / s <= 60) ?? 3600;
  const count = Math.ceil(span / step);
  const columns = Array.from({ length: count }, (_, i) => ({
    label: time.clock((start + i * step) * 1000),
    values: [0, 0, 0],
  }));
  for (const b of buckets) {
    const i = Math.min(count - 1, Math.max(0, Math.floor((b.second - start) / step)));
    const column = columns[i];
    if (!column) continue;
    column.values[0] = (column.values[0] ?? 0) + b.ok;
    column.values[1] = (column.values[1] ?? 0) + b.rateLimited;
    column.values[2] = (column.values[2] ?? 0) + b.failed;
  }
  const total = buckets.reduce((n, b) => n + b.ok + b.rateLimited + b.failed, 0);
  const limited = buckets.reduce((n, b) => n + b.rateLimited, 0);
  const perMinute = (total / Math.max(1, span)) * 60;
  return {
    title: `Debrid requests (per ${step < 60 ? `${step} s` : `${step / 60} min`})`,
    caption: `${total} requests, ${limited} rate limited (429), ${perMinute.toFixed(0)} per minute on average`,
    svg: stackedColumns(columns, ["ok", "429", "failed"], ["#3fb950", "#d29922", "#f85149"]),
  };
}
