import { join } from "node:path";
import { Eta } from "eta";
import { formatCount, formatDuration } from "../../lib/format.ts";
import type { ReportSection, RequestBucket } from "../../lib/report-sections.ts";
import type { TimeFormatter } from "../../lib/time-format.ts";
import { requestsChart } from "./requests-chart.ts";
import { horizontalBars } from "./svg.ts";

const REPORT_VIEWS = join(import.meta.dir, "..", "..", "..", "views", "reports");

/**
 * The reports' own Eta over views/reports (createDeps builds it once: it keeps the compiled
 * templates), apart from the apps' views: reports are written by jobs, with no HTTP request
 * around them. Every `<%= %>` value is escaped.
 */
export function createReportViews(): Eta {
  return new Eta({ views: REPORT_VIEWS, cache: true, autoEscape: true });
}

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

/** "torrents_seen" -> "torrents seen". */
function humanize(name: string): string {
  return name.replace(/[_-]+/g, " ");
}

/** `time`: the configured time zone's clock (the one /jobs shows). */
export function renderRunReport(views: Eta, input: RunReportInput, now: number, time: TimeFormatter): string {
  const charts = [];
  const requests = requestsChart(input.requests, input.startedAt, input.finishedAt, time);
  if (requests) charts.push(requests);
  const sections = input.sections.map((section) =>
    section.kind === "bars" ? { ...section, svg: horizontalBars(section.bars, section.unit) } : section,
  );
  return views.render("./run", {
    ...input,
    startedAt: time.dateTime(input.startedAt),
    duration: formatDuration(input.finishedAt - input.startedAt),
    counts: Object.entries(input.counts).map(([k, v]) => [humanize(k), formatCount(v)]),
    charts,
    sections,
    log: input.log.join("\n"),
    generatedAt: `${time.dateTime(now)} (${time.zone})`,
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

export function renderReportIndex(
  views: Eta,
  runs: IndexRun[],
  keep: number,
  now: number,
  time: TimeFormatter,
): string {
  const groups = new Map<string, ReturnType<typeof toRow>[]>();
  for (const run of runs) {
    const list = groups.get(run.job) ?? [];
    list.push(toRow(run, time));
    groups.set(run.job, list);
  }
  return views.render("./index", {
    total: formatCount(runs.length),
    keep: formatCount(keep),
    generatedAt: `${time.dateTime(now)} (${time.zone})`,
    groups: [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([job, list]) => ({ job, runs: list })),
  });
}

function toRow(run: IndexRun, time: TimeFormatter) {
  return {
    ...run,
    startedAt: time.dateTime(run.startedAt),
    duration: run.finishedAt === null ? "" : formatDuration(run.finishedAt - run.startedAt),
  };
}
