import { Cron } from "croner";
import {
  findRunningRun,
  finishRun,
  insertRunningRun,
  latestRunPerJob,
  listRunningRuns,
} from "../db/repo/jobs.ts";
import type { Deps } from "../deps.ts";
import { AppError, ConflictError, errorMessage, NotFoundError, ValidationError } from "../errors.ts";
import { ownerAlive } from "../lib/process-owner.ts";
import { type ActiveRun, executeRun, type RunState } from "./run-execution.ts";
import { type EffectiveSchedule, effectiveSchedule } from "./schedules.ts";
import type { JobDefinition, JobTrigger, JobVariant } from "./types.ts";

export type { ActiveRun, FinishedRun } from "./run-execution.ts";

/** How long stop() waits for running jobs to checkpoint (main.ts force-exits at 10 s). */
const STOP_GRACE_MS = 8_000;

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
      if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(def.name))
        throw new Error(`job name "${def.name}" must be kebab-case`);
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

  /** Re-reads every schedule: a setting a job's availability depends on changed (the media root). */
  rescheduleAll(): void {
    for (const name of this.defs.keys()) this.reschedule(name);
  }

  /**
   * Starts a run now, or throws: NotFoundError (unknown job), ValidationError (not available),
   * ConflictError (already running, here or in another process). `variant`: one of the job's
   * named variants, or a body of the caller's (the CLI's `sync` command), recorded as a run of
   * this job all the same.
   */
  trigger(name: string, trigger: JobTrigger, variant?: string | JobVariant): ActiveRun {
    if (this.stopping) throw new ConflictError("Redriva is stopping: no new job runs");
    const def = this.get(name);
    const body = typeof variant === "string" ? def.variants?.[variant] : variant;
    if (variant !== undefined && !body)
      throw new ValidationError(`${name} has no variant ${JSON.stringify(variant)}`);
    const unavailable = def.availability?.(this.deps) ?? null;
    if (unavailable) throw new ValidationError(`${name} is not available: ${unavailable}`);
    const mine = this.active.get(name);
    if (mine) throw this.alreadyRunning(name, mine.runId, mine.startedAt, null);
    this.refuseWhileGroupRuns(def);
    const { db } = this.deps.dbh;
    const startedAt = this.deps.clock.now();
    const row = { job: name, trigger, startedAt, pid: process.pid };
    let runId = insertRunningRun(db, row);
    if (runId === null) {
      const other = findRunningRun(db, name);
      // A row with our pid that this runner does not hold belongs to another runner here.
      if (other && ownerAlive(other.pid, () => true)) {
        throw this.alreadyRunning(name, other.id, other.started_at, other.pid);
      }
      if (other) this.markInterrupted(other.id, "the process running it is gone (crash or kill)");
      runId = insertRunningRun(db, row);
      if (runId === null) throw new ConflictError(`${name} is already running`);
    }
    const run = executeRun(this.deps, def, { runId, trigger, startedAt, variant: body }, () =>
      this.active.delete(name),
    );
    this.active.set(name, run);
    return run;
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

  /** A member of the same group running here or in another live process blocks the trigger. */
  private refuseWhileGroupRuns(def: JobDefinition): void {
    if (!def.group) return;
    for (const other of this.defs.values()) {
      if (other.group !== def.group || other.name === def.name) continue;
      const here = this.active.get(other.name);
      const row = here ? null : findRunningRun(this.deps.dbh.db, other.name);
      const elsewhere = row && ownerAlive(row.pid, () => false) ? row : null;
      if (!here && !elsewhere) continue;
      const runId = here?.runId ?? elsewhere?.id;
      throw new ConflictError(`${def.name} cannot start while ${other.name} is running (run #${runId})`, {
        job: def.name,
        runId,
      });
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
      if (ownerAlive(row.pid, () => false)) continue;
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
      const group = def.group ?? def.name;
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
}
