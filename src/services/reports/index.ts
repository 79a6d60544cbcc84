import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import type { Config } from "../../config/index.ts";
import { allRunsWithReports, clearReportPaths, runsWithReports } from "../../db/repo/jobs.ts";
import type { Deps } from "../../deps.ts";
import { type IndexRun, type RunReportInput, renderReportIndex, renderRunReport } from "./render.ts";

export type { RunReportInput } from "./render.ts";

export function reportsDir(config: Pick<Config, "dataDir">): string {
  return join(config.dataDir, "reports");
}

/**
 * Writes the HTML report of a finished run, deletes that job's reports beyond REPORTS_KEEP and
 * rewrites the index. Returns the report's path relative to the reports directory.
 */
export async function writeRunReport(deps: Deps, input: RunReportInput): Promise<string> {
  const dir = reportsDir(deps.config);
  const stamp = new Date(input.startedAt).toISOString().replace(/[:T]/g, "-").slice(0, 19);
  const relative = `${input.job}/${stamp}_run-${input.runId}.html`;
  mkdirSync(join(dir, input.job), { recursive: true });
  writeReportFile(join(dir, relative), [
    renderRunReport(deps.reportViews, input, deps.clock.now(), deps.time),
  ]);
  // The row of this run gets its path from the caller; count it in the rotation now.
  rotateReports(deps, input.job, input.runId);
  writeReportIndex(deps, { runId: input.runId, job: input.job, relative, input });
  return relative;
}

/** Keeps the newest REPORTS_KEEP reports of `job` (the current run counts as one). */
function rotateReports(deps: Deps, job: string, currentRunId: number): void {
  const keep = deps.config.jobs.reportsKeep;
  const older = runsWithReports(deps.dbh.db, job).filter((r) => r.id !== currentRunId);
  const excess = older.slice(Math.max(0, keep - 1));
  for (const run of excess) {
    const path = resolveReportFile(deps.config, run.report_path);
    if (path) rmSync(path, { force: true });
  }
  clearReportPaths(
    deps.dbh.db,
    excess.map((r) => r.id),
  );
}

function writeReportIndex(
  deps: Deps,
  current: { runId: number; job: string; relative: string; input: RunReportInput },
): void {
  const runs: IndexRun[] = allRunsWithReports(deps.dbh.db)
    .filter((r) => r.id !== current.runId)
    .map((r) => ({
      id: r.id,
      job: r.job,
      href: r.report_path as string,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      trigger: r.trigger,
      status: r.status,
      error: r.error,
    }));
  runs.unshift({
    id: current.runId,
    job: current.job,
    href: current.relative,
    startedAt: current.input.startedAt,
    finishedAt: current.input.finishedAt,
    trigger: current.input.trigger,
    status: current.input.status,
    error: current.input.error,
  });
  const html = renderReportIndex(
    deps.reportViews,
    runs,
    deps.config.jobs.reportsKeep,
    deps.clock.now(),
    deps.time,
  );
  writeReportFile(join(reportsDir(deps.config), "index.html"), [html]);
}

/** Writes a report piece by piece; a half-written report must never be served: beside, then rename. */
export function writeReportFile(path: string, pieces: Iterable<string>): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    for (const piece of pieces) writeSync(fd, piece);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * The absolute path of a report for serving, or null when `relative` is not a plain
 * `<job>/<file>.html` (or `index.html`) inside the reports directory, or does not exist.
 */
export function resolveReportFile(config: Pick<Config, "dataDir">, relative: string): string | null {
  if (
    !/^(index\.html|[a-z0-9][a-z0-9-]*\/[A-Za-z0-9_.-]+\.html)$/.test(relative) ||
    relative.includes("..")
  ) {
    return null;
  }
  const root = resolve(reportsDir(config));
  const path = resolve(root, relative);
  if (!path.startsWith(root + sep)) return null;
  return existsSync(path) ? path : null;
}
