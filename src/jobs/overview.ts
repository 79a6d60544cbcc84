import {
  getRun,
  type JobRunSummary,
  latestFinishedRunPerJob,
  listRunningRuns,
  recentRuns,
} from "../db/repo/jobs.ts";
import type { Deps } from "../deps.ts";
import type { JobRunner } from "./runner.ts";
import type { EffectiveSchedule } from "./schedules.ts";
import type { JobProgress } from "./types.ts";

/** What /jobs, GET /api/jobs and `redriva jobs list` show about each job. */
export interface JobView {
  name: string;
  description: string;
  schedule: EffectiveSchedule & { default: string };
  nextRun: string | null;
  running: RunView | null;
  last: RunView | null;
}

export interface RunView {
  id: number;
  job: string;
  trigger: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: Record<string, number>;
  progress: JobProgress | null;
  error: string | null;
  /** URL under /reports, when the report is still kept. */
  reportUrl: string | null;
  /** Process running it, when it is not this one (a CLI run). */
  pid: number | null;
}

export function jobsOverview(deps: Deps, runner: JobRunner): JobView[] {
  const last = latestFinishedRunPerJob(deps.dbh.db);
  const running = new Map(listRunningRuns(deps.dbh.db).map((r) => [r.job, r]));
  return runner.list().map((def) => {
    const active = runner.activeRun(def.name);
    const row = running.get(def.name);
    let runningView: RunView | null = null;
    if (row) {
      runningView = runView(deps, row);
      // This process knows fresher progress than the row (flushed once a second).
      if (active && active.runId === row.id) {
        runningView.progress = active.progress;
        runningView.counts = { ...active.counts };
      }
    }
    const lastRow = last.get(def.name);
    return {
      name: def.name,
      description: def.description,
      schedule: { ...runner.schedule(def.name), default: def.defaultSchedule },
      nextRun: runner.nextRun(def.name)?.toISOString() ?? null,
      running: runningView,
      last: lastRow ? runView(deps, lastRow) : null,
    };
  });
}

export function runView(deps: Deps, row: JobRunSummary): RunView {
  const finished = row.finished_at;
  return {
    id: row.id,
    job: row.job,
    trigger: row.trigger,
    status: row.status,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: finished === null ? null : new Date(finished).toISOString(),
    durationMs: (finished ?? deps.clock.now()) - row.started_at,
    counts: parseJson<Record<string, number>>(row.counts) ?? {},
    progress: parseJson<JobProgress>(row.progress),
    error: row.error,
    reportUrl: row.report_path ? `/reports/${row.report_path}` : null,
    pid: row.pid !== process.pid ? row.pid : null,
  };
}

export function runHistory(
  deps: Deps,
  options: { job?: string; limit?: number; beforeId?: number },
): RunView[] {
  return recentRuns(deps.dbh, options).map((row) => runView(deps, row));
}

/** Sync runs (the "sync" group: smart-sync, full-sync) looked at for the dashboard's failures. */
const SYNC_RUNS_LOOKED_AT = 10;

/**
 * Failed or interrupted runs among the latest sync runs, newest first, whoever started them (a
 * schedule, the dashboard, the CLI): the dashboard's "Last failures" links to each.
 */
export function failedSyncRuns(deps: Deps, runner: JobRunner, limit = 3): RunView[] {
  const jobs = runner
    .list()
    .filter((def) => def.group === "sync")
    .map((def) => def.name);
  if (jobs.length === 0) return [];
  return recentRuns(deps.dbh, { jobs, limit: SYNC_RUNS_LOOKED_AT })
    .filter((row) => row.status === "failed" || row.status === "interrupted")
    .slice(0, limit)
    .map((row) => runView(deps, row));
}

/** One run with its log lines (the live log when it runs in this process). */
export function runDetail(deps: Deps, runner: JobRunner, id: number): (RunView & { log: string[] }) | null {
  const row = getRun(deps.dbh.db, id);
  if (!row) return null;
  const view = runView(deps, row);
  const active = row.status === "running" ? runner.activeRun(row.job) : undefined;
  if (active && active.runId === row.id) {
    return { ...view, progress: active.progress, counts: { ...active.counts }, log: active.log.all() };
  }
  return { ...view, log: row.log === "" ? [] : row.log.split("\n") };
}

function parseJson<T>(text: string | null): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
