import { join } from "node:path";
import { Eta } from "eta";
import type { RequestBucket } from "../../jobs/request-timeline.ts";
import type { ReportSection } from "../../jobs/types.ts";
import { formatCount } from "../../lib/format.ts";
import { requestsChart } from "./requests-chart.ts";
import { horizontalBars } from "./svg.ts";

const REPORT_VIEWS = join(import.meta.dir, "..", "..", "..", "views", "reports");

/** Its own Eta instance: reports are written by jobs, with no HTTP request around them. */
const eta = new Eta({ views: REPORT_VIEWS, cache: true, autoEscape: true });

export interface RunReportInput {
  runId: number;
  job: string;
  description: string;
  trigger: string;
  status: string;
  startedAt: number;
  finishedAt: number;
  counts: Record<string, number>;
  error: string | null;
  summary: string | null;
  sections: ReportSection[];
  log: string[];
  requests: RequestBucket[];
}

export function formatRunDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

/** "torrents_seen" -> "torrents seen". */
function humanize(name: string): string {
  return name.replace(/[_-]+/g, " ");
}

/** Renders views/reports/<name>.eta with the reports' Eta (every `<%= %>` value escaped). */
export function renderReportView(name: string, data: object): string {
  return eta.render(`./${name}`, data);
}

export function renderRunReport(input: RunReportInput, now: number): string {
  const charts = [];
  const requests = requestsChart(input.requests, input.startedAt, input.finishedAt);
  if (requests) charts.push(requests);
  const sections = input.sections.map((section) =>
    section.kind === "bars" ? { ...section, svg: horizontalBars(section.bars, section.unit) } : section,
  );
  return eta.render("./run", {
    ...input,
    startedAt: formatTimestamp(input.startedAt),
    duration: formatRunDuration(input.finishedAt - input.startedAt),
    counts: Object.entries(input.counts).map(([k, v]) => [humanize(k), formatCount(v)]),
    charts,
    sections,
    log: input.log.join("\n"),
    generatedAt: formatTimestamp(now),
  });
}

export interface IndexRun {
  id: number;
  job: string;
  href: string;
  startedAt: number;
  finishedAt: number | null;
  trigger: string;
  status: string;
  error: string | null;
}

export function renderReportIndex(runs: IndexRun[], keep: number, now: number): string {
  const groups = new Map<string, ReturnType<typeof toRow>[]>();
  for (const run of runs) {
    const list = groups.get(run.job) ?? [];
    list.push(toRow(run));
    groups.set(run.job, list);
  }
  return eta.render("./index", {
    total: runs.length,
    keep,
    generatedAt: formatTimestamp(now),
    groups: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([job, list]) => ({ job, runs: list })),
  });
}

function toRow(run: IndexRun) {
  return {
    ...run,
    startedAt: formatTimestamp(run.startedAt),
    duration: run.finishedAt === null ? "" : formatRunDuration(run.finishedAt - run.startedAt),
  };
}
