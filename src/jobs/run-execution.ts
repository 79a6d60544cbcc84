import { finishRun, type JobRunStatus, saveRunProgress, setReportPath } from "../db/repo/jobs.ts";
import type { Deps } from "../deps.ts";
import { errorMessage } from "../errors.ts";
import { notify } from "../services/notifications/index.ts";
import { writeRunReport } from "../services/reports/index.ts";
import { RequestTimeline } from "./request-timeline.ts";
import { RunLog } from "./run-log.ts";
import type { JobContext, JobDefinition, JobOutcome, JobProgress, JobTrigger, JobVariant } from "./types.ts";

export type FinalStatus = Exclude<JobRunStatus, "running">;

export interface FinishedRun {
  runId: number;
  job: string;
  status: FinalStatus;
  error: string | null;
  counts: Record<string, number>;
  durationMs: number;
  reportPath: string | null;
}

/** A run in progress in this process. */
export interface ActiveRun {
  runId: number;
  job: string;
  trigger: JobTrigger;
  startedAt: number;
  progress: JobProgress | null;
  counts: Record<string, number>;
  log: RunLog;
  /** Resolves when the run is recorded (never rejects). */
  done: Promise<FinishedRun>;
}

export interface RunState extends ActiveRun {
  controller: AbortController;
  /** How an abort is recorded: cancelled by the user, or interrupted by a shutdown. */
  abortAs: "cancelled" | "interrupted" | null;
}

/** Progress and log lines reach the database at most once a second. */
const FLUSH_MS = 1_000;

/**
 * Starts one run of `def` (its row already inserted): builds the context the job sees, runs it on
 * the next tick, then records the outcome, writes the report and notifies a failure.
 * `onEnd` is called once the run is recorded (the runner forgets it then).
 */
export function executeRun(
  deps: Deps,
  def: JobDefinition,
  start: { runId: number; trigger: JobTrigger; startedAt: number; variant?: JobVariant },
  onEnd: () => void,
): RunState {
  const { runId, trigger, startedAt, variant } = start;
  // Its lines already reach a terminal: echoing them into the process log would print them twice.
  const echo = !variant?.terminal;
  const run: RunState = {
    runId,
    job: def.name,
    trigger,
    startedAt,
    progress: null,
    counts: {},
    log: new RunLog(() => deps.clock.now(), deps.time),
    controller: new AbortController(),
    abortAs: null,
    done: Promise.resolve(null as unknown as FinishedRun),
  };
  const timeline = new RequestTimeline(deps.providers, () => deps.clock.now());
  let flushTimer: Timer | null = null;
  let finished = false;
  const flush = () => {
    flushTimer = null;
    if (finished) return;
    try {
      saveRunProgress(deps.dbh.db, runId, {
        progress: run.progress ? JSON.stringify(run.progress) : null,
        log: run.log.text(),
        counts: JSON.stringify(run.counts),
      });
    } catch (error) {
      deps.log.warn({ err: errorMessage(error), runId }, "could not save job progress");
    }
  };
  // Writes are batched: a sync logging thousands of lines costs one UPDATE per second.
  const changed = () => {
    if (!flushTimer && !finished) flushTimer = setTimeout(flush, FLUSH_MS);
  };
  const ctx: JobContext = {
    deps,
    signal: run.controller.signal,
    trigger,
    runId,
    log(line, level = "info") {
      if (finished) return;
      run.log.add(line, level);
      if (level !== "info" && echo) deps.log[level]({ job: def.name, runId }, line);
      deps.bus.publish("jobs", "log", { job: def.name, runId, line, level });
      changed();
    },
    progress(progress) {
      if (finished) return;
      run.progress = { ...run.progress, ...progress };
      deps.bus.publish("jobs", "progress", { job: def.name, runId, ...run.progress });
      changed();
    },
    count(name, value) {
      if (finished) return;
      run.counts[name] = value;
      changed();
    },
  };
  deps.bus.publish("jobs", "started", { job: def.name, runId, trigger });
  deps.log.info({ job: def.name, runId, trigger }, "job started");
  ctx.log(`${def.name} started (${trigger}${variant ? `: ${variant.label}` : ""})`);
  // Started on the next tick so the caller holds the ActiveRun before anything happens.
  run.done = Promise.resolve().then(async () => {
    const { status, outcome } = await runBody(deps, def, ctx, run, variant);
    finished = true;
    if (flushTimer) clearTimeout(flushTimer);
    return record(deps, def, run, status, outcome, timeline.stop(), onEnd);
  });
  return run;
}

async function runBody(
  deps: Deps,
  def: JobDefinition,
  ctx: JobContext,
  run: RunState,
  variant?: JobVariant,
): Promise<{ status: FinalStatus; outcome: JobOutcome }> {
  const aborted = () => run.abortAs ?? "interrupted";
  try {
    // Cancelled or stopped before it even began: do not start the work.
    run.controller.signal.throwIfAborted();
    const body = variant?.run ?? (ctx.trigger === "resume" && def.resume ? def.resume : def.run);
    const outcome = await body.call(def, ctx);
    let status: FinalStatus = outcome.status ?? (run.controller.signal.aborted ? aborted() : "succeeded");
    if (status === "interrupted" && run.abortAs === "cancelled") status = "cancelled";
    if (status === "failed" && !outcome.error) outcome.error = "the job reported a failure";
    return { status, outcome };
  } catch (error) {
    if (run.controller.signal.aborted) {
      ctx.log(`stopped: ${errorMessage(run.controller.signal.reason)}`, "warn");
      return { status: aborted(), outcome: {} };
    }
    const message = errorMessage(error);
    ctx.log(`failed: ${message}`, "error");
    if (!variant?.terminal) deps.log.error({ err: error, job: def.name, runId: run.runId }, "job failed");
    return { status: "failed", outcome: { error: message } };
  }
}

async function record(
  deps: Deps,
  def: JobDefinition,
  run: RunState,
  status: FinalStatus,
  outcome: JobOutcome,
  requests: ReturnType<RequestTimeline["stop"]>,
  onEnd: () => void,
): Promise<FinishedRun> {
  const finishedAt = deps.clock.now();
  const counts = { ...run.counts, ...outcome.counts };
  const error = outcome.error ?? null;
  const durationMs = finishedAt - run.startedAt;
  run.log.add(`${def.name} ${status} in ${(durationMs / 1000).toFixed(1)} s${error ? `: ${error}` : ""}`);
  let reportPath: string | null = null;
  let recorded = false;
  try {
    recorded = finishRun(deps.dbh.db, run.runId, {
      status,
      finishedAt,
      counts: JSON.stringify(counts),
      error,
      log: run.log.text(),
    });
    // Not running any more: stop() gave up on it and recorded it interrupted already.
    if (!recorded) throw new Error("the run was already recorded as interrupted");
    reportPath = await writeRunReport(deps, {
      runId: run.runId,
      job: def.name,
      description: def.description,
      trigger: run.trigger,
      status,
      startedAt: run.startedAt,
      finishedAt,
      counts,
      error,
      summary: outcome.summary ?? null,
      sections: outcome.report ?? [],
      log: run.log.all(),
      requests,
    });
    setReportPath(deps.dbh.db, run.runId, reportPath);
  } catch (err) {
    // The database may already be closed when a job outlives shutdown; the run stays recorded.
    deps.log.error({ err, job: def.name, runId: run.runId }, "could not record the end of a job run");
  } finally {
    onEnd();
  }
  deps.log.info({ job: def.name, runId: run.runId, status, durationMs }, "job finished");
  deps.bus.publish("jobs", "finished", { job: def.name, runId: run.runId, status, error });
  if (status === "failed" && recorded) {
    await notify(deps, {
      type: "job_failed",
      title: `Job ${def.name} failed`,
      message: error ?? "failed",
      data: { job: def.name, runId: run.runId, trigger: run.trigger, durationMs, counts },
    });
  }
  return { runId: run.runId, job: def.name, status, error, counts, durationMs, reportPath };
}
