import { Cron } from "croner";
import {
  findRunningRun,
  finishRun,
  insertRunningRun,
  latestRunPerJob,
  listRunningRuns,
  saveRunProgress,
  setReportPath,
} from "../db/repo/jobs.ts";
import type { Deps } from "../deps.ts";
import { AppError, ConflictError, errorMessage, NotFoundError, ValidationError } from "../errors.ts";
import { notify } from "../services/notifications/index.ts";
import { writeRunReport } from "../services/reports/index.ts";
import { RequestTimeline } from "./request-timeline.ts";
import { RunLog } from "./run-log.ts";
import { type EffectiveSchedule, effectiveSchedule } from "./schedules.ts";
import { isRedrivaProcess } from "./server-lock.ts";
import type {
  JobContext,
  JobDefinition,
  JobOutcome,
  JobProgress,
  JobRunStatus,
  JobTrigger,
} from "./types.ts";

type FinalStatus = Exclude<JobRunStatus, "running">;

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

interface RunState extends ActiveRun {
  controller: AbortController;
  abortAs: "cancelled" | "interrupted" | null;
}

/** How long stop() waits for running jobs to checkpoint (main.ts force-exits at 10 s). */
const STOP_GRACE_MS = 8_000;
const FLUSH_MS = 1_000;

/**
 * Runs named jobs: on their cron schedules, or on demand (web UI, API, CLI) through the same
 * path. One run per job at a time, every run recorded in job_runs with its log, counts and an
 * HTML report.
 */
export class JobRunner {
  private readonly defs = new Map<string, JobDefinition>();
  private readonly crons = new Map<string, Cron>();
  private readonly active = new Map<string, RunState>();
  private started = false;
  private stopping = false;

  constructor(
    readonly deps: Deps,
    definitions: JobDefinition[],
  ) {
    for (const def of definitions) {
      if (this.defs.has(def.name)) throw new Error(`job ${def.name} is registered twice`);
      this.defs.set(def.name, def);
    }
  }

  list(): JobDefinition[] {
    return [...this.defs.values()];
  }

  get(name: string): JobDefinition {
    const def = this.defs.get(name);
    if (!def) throw new NotFoundError("job", name);
    return def;
  }

  schedule(name: string): EffectiveSchedule {
    return effectiveSchedule(this.deps, this.get(name));
  }

  /** Next scheduled fire, or null when the job is not scheduled (off, unavailable, not started). */
  nextRun(name: string): Date | null {
    return this.crons.get(name)?.nextRun() ?? null;
  }

  activeRun(name: string): ActiveRun | undefined {
    return this.active.get(name);
  }

  /** Arms every schedule, records crashed runs as interrupted and resumes what can resume. */
  start(): { interrupted: number; resumed: string[] } {
    this.started = true;
    const interrupted = this.recoverCrashedRuns();
    for (const name of this.defs.keys()) this.arm(name);
    const resumed = this.resumeInterrupted();
    return { interrupted, resumed };
  }

  /** Re-reads a job's schedule (after a change on the /jobs page). */
  reschedule(name: string): void {
    this.get(name);
    if (this.started && !this.stopping) this.arm(name);
  }

  /**
   * Starts a run now, or throws: NotFoundError (unknown job), ValidationError (not available),
   * ConflictError (already running, here or in another process).
   */
  trigger(name: string, trigger: JobTrigger): ActiveRun {
    if (this.stopping) throw new ConflictError("Redriva is stopping: no new job runs");
    const def = this.get(name);
    const unavailable = def.availability?.(this.deps) ?? null;
    if (unavailable) throw new ValidationError(`${name} is not available: ${unavailable}`);
    const mine = this.active.get(name);
    if (mine) throw this.alreadyRunning(name, mine.runId, mine.startedAt, null);
    const { db } = this.deps.dbh;
    const startedAt = this.deps.clock.now();
    const row = { job: name, trigger, startedAt, pid: process.pid };
    let runId = insertRunningRun(db, row);
    if (runId === null) {
      const other = findRunningRun(db, name);
      if (other && (other.pid === process.pid || (other.pid !== null && isRedrivaProcess(other.pid)))) {
        throw this.alreadyRunning(name, other.id, other.started_at, other.pid);
      }
      if (other) this.markInterrupted(other.id, "the process running it is gone (crash or kill)");
      runId = insertRunningRun(db, row);
      if (runId === null) throw new ConflictError(`${name} is already running`);
    }
    return this.execute(def, runId, trigger, startedAt);
  }

  /** Asks a running job to stop; it is recorded as cancelled. */
  cancel(name: string): boolean {
    const run = this.active.get(name);
    if (!run) return false;
    run.abortAs = "cancelled";
    run.controller.abort(new AppError("interrupted", "cancelled by user"));
    return true;
  }

  /** Schedules off, running jobs aborted and given a few seconds to checkpoint and be recorded. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopping = true;
    for (const cron of this.crons.values()) cron.stop();
    this.crons.clear();
    const running = [...this.active.values()];
    for (const run of running) {
      run.abortAs ??= "interrupted";
      run.controller.abort(new AppError("interrupted", "Redriva is stopping"));
    }
    if (running.length === 0) return;
    let timer: Timer | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled(running.map((r) => r.done)), timeout]);
    clearTimeout(timer);
    for (const run of this.active.values()) {
      this.deps.log.warn(
        { job: run.job, runId: run.runId },
        "job did not stop in time; recorded as interrupted",
      );
      this.markInterrupted(run.runId, `did not stop within ${Math.round(graceMs / 1000)} s of shutdown`);
    }
  }

  private alreadyRunning(name: string, runId: number, startedAt: number, pid: number | null): ConflictError {
    const where = pid !== null && pid !== process.pid ? ` in another process (pid ${pid})` : "";
    return new ConflictError(
      `${name} is already running${where}: run #${runId} started ${new Date(startedAt).toISOString()}`,
      { job: name, runId },
    );
  }

  private markInterrupted(runId: number, reason: string): void {
    try {
      finishRun(this.deps.dbh.db, runId, {
        status: "interrupted",
        finishedAt: this.deps.clock.now(),
        error: reason,
      });
    } catch (error) {
      this.deps.log.error({ err: error, runId }, "could not record an interrupted run");
    }
  }

  /** Rows left `running` by a process that no longer exists (or by this pid in a former life). */
  private recoverCrashedRuns(): number {
    let count = 0;
    for (const row of listRunningRuns(this.deps.dbh.db)) {
      if (this.active.has(row.job)) continue;
      if (row.pid !== null && row.pid !== process.pid && isRedrivaProcess(row.pid)) continue;
      this.markInterrupted(
        row.id,
        "Redriva stopped while this run was in progress (crash, kill or power loss)",
      );
      this.deps.log.warn(
        { job: row.job, runId: row.id },
        "run left running by a crash recorded as interrupted",
      );
      count++;
    }
    return count;
  }

  /** Jobs that know how to resume, whose latest run was interrupted: once per resume group. */
  private resumeInterrupted(): string[] {
    const latest = latestRunPerJob(this.deps.dbh.db);
    const groups = new Map<string, { name: string; runId: number }>();
    for (const def of this.defs.values()) {
      const row = latest.get(def.name);
      if (!def.resume || row?.status !== "interrupted") continue;
      const group = def.resumeGroup ?? def.name;
      const seen = groups.get(group);
      if (!seen || seen.runId < row.id) groups.set(group, { name: def.name, runId: row.id });
    }
    const resumed: string[] = [];
    for (const { name, runId } of groups.values()) {
      try {
        this.trigger(name, "resume");
        resumed.push(name);
        this.deps.log.info({ job: name, interruptedRun: runId }, "resuming interrupted job");
      } catch (error) {
        this.deps.log.warn({ job: name, err: errorMessage(error) }, "could not resume interrupted job");
      }
    }
    return resumed;
  }

  private arm(name: string): void {
    this.crons.get(name)?.stop();
    this.crons.delete(name);
    const { expression } = this.schedule(name);
    if (!expression) return;
    const cron = new Cron(expression, { protect: true, timezone: this.deps.config.jobs.timezone }, () =>
      this.fromSchedule(name),
    );
    this.crons.set(name, cron);
  }

  /** Cron callback: awaits the run so `protect` skips fires while it is still going. */
  private async fromSchedule(name: string): Promise<void> {
    try {
      await this.trigger(name, "schedule").done;
    } catch (error) {
      const level = error instanceof ConflictError ? "info" : "warn";
      this.deps.log[level]({ job: name, reason: errorMessage(error) }, "scheduled run skipped");
    }
  }

  private execute(def: JobDefinition, runId: number, trigger: JobTrigger, startedAt: number): ActiveRun {
    const { deps } = this;
    const run: RunState = {
      runId,
      job: def.name,
      trigger,
      startedAt,
      progress: null,
      counts: {},
      log: new RunLog(() => deps.clock.now()),
      controller: new AbortController(),
      abortAs: null,
      done: Promise.resolve(null as unknown as FinishedRun),
    };
    this.active.set(def.name, run);
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
        if (level !== "info") deps.log[level]({ job: def.name, runId }, line);
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
    ctx.log(`${def.name} started (${trigger})`);
    // Started on the next tick so the caller holds the ActiveRun before anything happens.
    run.done = Promise.resolve().then(async () => {
      const { status, outcome } = await this.runBody(def, ctx, run);
      finished = true;
      if (flushTimer) clearTimeout(flushTimer);
      return this.record(def, run, status, outcome, timeline.stop());
    });
    return run;
  }

  private async runBody(
    def: JobDefinition,
    ctx: JobContext,
    run: RunState,
  ): Promise<{ status: FinalStatus; outcome: JobOutcome }> {
    const aborted = () => run.abortAs ?? "interrupted";
    try {
      // Cancelled or stopped before it even began: do not start the work.
      run.controller.signal.throwIfAborted();
      const body = ctx.trigger === "resume" && def.resume ? def.resume : def.run;
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
      this.deps.log.error({ err: error, job: def.name, runId: run.runId }, "job failed");
      return { status: "failed", outcome: { error: message } };
    }
  }

  private async record(
    def: JobDefinition,
    run: RunState,
    status: FinalStatus,
    outcome: JobOutcome,
    requests: ReturnType<RequestTimeline["stop"]>,
  ): Promise<FinishedRun> {
    const { deps } = this;
    const finishedAt = deps.clock.now();
    const counts = { ...run.counts, ...outcome.counts };
    const error = outcome.error ?? null;
    const durationMs = finishedAt - run.startedAt;
    run.log.add(`${def.name} ${status} in ${(durationMs / 1000).toFixed(1)} s${error ? `: ${error}` : ""}`);
    let reportPath: string | null = null;
    try {
      finishRun(deps.dbh.db, run.runId, {
        status,
        finishedAt,
        counts: JSON.stringify(counts),
        error,
        log: run.log.text(),
      });
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
      this.active.delete(def.name);
    }
    deps.log.info({ job: def.name, runId: run.runId, status, durationMs }, "job finished");
    deps.bus.publish("jobs", "finished", { job: def.name, runId: run.runId, status, error });
    if (status === "failed") {
      await notify(deps, {
        type: "job_failed",
        title: `Job ${def.name} failed`,
        message: error ?? "failed",
        data: { job: def.name, runId: run.runId, trigger: run.trigger, durationMs, counts },
      });
    }
    return { runId: run.runId, job: def.name, status, error, counts, durationMs, reportPath };
  }
}
