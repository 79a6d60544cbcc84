import { recentScans } from "../../db/repo/repair-scans.ts";
import type { Deps } from "../../deps.ts";
import { formatCount } from "../../lib/format.ts";
import { type ScanMode, type ScanResult, scanForRepair } from "../../services/repair/detect.ts";
import { repairMediaRoot } from "../../services/repair/media-root.ts";
import { runRepair } from "../../services/repair/run.ts";
import type { RunResult } from "../../services/repair/types.ts";
import type { JobContext, JobDefinition, JobOutcome, ReportSection } from "../types.ts";

const DAY_MS = 86_400_000;
const REPORT_ROWS = 500;

function repairAvailability(deps: Deps): string | null {
  return deps.providers.configured().length > 0 ? null : deps.providers.noneConfigured();
}

/** quick, or full when the last full scan is a day old (as RDTM alternated them). */
function listMode(deps: Deps): ScanMode {
  const lastFull = recentScans(deps.dbh.db, 50).find((s) => s.mode === "full" && s.status === "succeeded");
  return !lastFull || deps.clock.now() - lastFull.started_at >= DAY_MS ? "full" : "quick";
}

/** repair-scan: detect (list, plus broken symlinks when MEDIA_ROOT is set), then handle candidates. */
async function repairScanJobRun(ctx: JobContext): Promise<JobOutcome> {
  const { deps } = ctx;
  const scans: ScanResult[] = [];
  const modes: ScanMode[] = [listMode(deps)];
  if (repairMediaRoot(deps)) modes.push("symlinks");
  for (const mode of modes) {
    ctx.progress({ phase: `scan ${mode}` });
    scans.push(await scanForRepair(deps, mode, { signal: ctx.signal, onLog: ctx.log }));
  }
  ctx.progress({ phase: "repair" });
  const run = await runRepair(deps, { trigger: "schedule", signal: ctx.signal, onLog: ctx.log });
  return outcome(run, scans);
}

/** repair-retry: the due part of the retry queue (also run at start when retries are overdue). */
async function repairRetryJobRun(ctx: JobContext): Promise<JobOutcome> {
  const run = await runRepair(ctx.deps, {
    trigger: "retry",
    retriesOnly: true,
    signal: ctx.signal,
    onLog: ctx.log,
  });
  return outcome(run, []);
}

function outcome(run: RunResult, scans: ScanResult[]): JobOutcome {
  const failedScans = scans.filter((s) => s.status === "failed");
  const counts: Record<string, number> = { ...run.counts, arr_rescans: run.arr.rescans };
  for (const s of scans) {
    counts[`${s.mode}_found`] = s.found;
    counts[`${s.mode}_new`] = s.newCandidates;
    counts.requests = (counts.requests ?? 0) + s.requests;
  }
  counts.requests = (counts.requests ?? 0) + run.items.reduce((sum, i) => sum + i.requests, 0);
  const errors = [...failedScans.map((s) => `${s.mode} scan: ${s.error}`), ...(run.error ? [run.error] : [])];
  const handled = run.items.length;
  const summary =
    `${scans.map((s) => `${s.mode}: ${s.found} found (${s.newCandidates} new)`).join(", ")}${scans.length ? "; " : ""}` +
    (handled === 0
      ? "nothing to repair"
      : `${formatCount(handled)} handled${run.dryRun ? " (dry run)" : ""}: ${Object.entries(run.counts)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${n} ${k}`)
          .join(", ")}`);
  const report: ReportSection[] = [];
  if (run.dryRun) {
    report.push({
      kind: "text",
      title: "Dry run",
      lines: ["DRY_RUN is on: nothing was added, deleted or removed."],
    });
  }
  if (handled > 0) {
    report.push({
      kind: "table",
      title: run.dryRun ? "What would be done" : "Candidates handled",
      columns: ["Torrent", "Reason", "Outcome", "Failure", "Detail", "New id"],
      rows: run.items
        .slice(0, REPORT_ROWS)
        .map((i) => [
          i.filename || i.torrentId,
          i.reason,
          i.outcome,
          i.failure,
          i.plan ? i.plan.steps.join(" → ") : i.error,
          i.newTorrentId,
        ]),
      more: Math.max(0, handled - REPORT_ROWS),
    });
  }
  return {
    status:
      run.status === "interrupted"
        ? "interrupted"
        : errors.length > 0 || run.status === "failed"
          ? "failed"
          : "succeeded",
    error: errors.length > 0 ? errors.join("; ") : null,
    counts,
    summary,
    report,
  };
}

/**
 * Repair jobs (issue 5). With DRY_RUN on (the default) they only record what they would do.
 * Overdue retries also run at start (src/jobs/repair-catch-up.ts).
 */
export const repairScanJob: JobDefinition = {
  name: "repair-scan",
  description: "Finds dead or broken torrents and re-injects them (retry queue for the rest)",
  defaultSchedule: "0 */6 * * *",
  availability: repairAvailability,
  run: repairScanJobRun,
};

export const repairRetryJob: JobDefinition = {
  name: "repair-retry",
  description: "Re-injects queued torrents whose retry time has come",
  defaultSchedule: "*/30 * * * *",
  availability: repairAvailability,
  run: repairRetryJobRun,
};
