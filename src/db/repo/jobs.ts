import { and, desc, eq, inArray, isNotNull, lt, ne, sql } from "drizzle-orm";
import { jobRuns } from "../../../schema/jobs.ts";
import type { Db, DbHandle } from "../client.ts";

/** Job history: the only place with SQL on `job_runs`. */

export type JobRunRow = typeof jobRuns.$inferSelect;
export type JobTrigger = JobRunRow["trigger"];
export type JobRunStatus = JobRunRow["status"];

/**
 * Inserts the `running` row of a new run, or returns null when the job already has one (the
 * partial unique index makes this atomic across processes).
 */
export function insertRunningRun(
  db: Db,
  input: { job: string; trigger: JobTrigger; startedAt: number; pid: number },
): number | null {
  const row = db
    .insert(jobRuns)
    .values({
      job: input.job,
      trigger: input.trigger,
      started_at: input.startedAt,
      pid: input.pid,
      status: "running",
    })
    .onConflictDoNothing()
    .returning({ id: jobRuns.id })
    .get();
  return row?.id ?? null;
}

export function getRun(db: Db, id: number): JobRunRow | undefined {
  return db.select().from(jobRuns).where(eq(jobRuns.id, id)).get();
}

export function findRunningRun(db: Db, job: string): JobRunRow | undefined {
  return db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.job, job), eq(jobRuns.status, "running")))
    .get();
}

export function listRunningRuns(db: Db): JobRunRow[] {
  return db.select().from(jobRuns).where(eq(jobRuns.status, "running")).all();
}

/** Saves what a running job has reported so far (pages in other processes read it). */
export function saveRunProgress(
  db: Db,
  id: number,
  input: { progress: string | null; log: string; counts: string },
): void {
  db.update(jobRuns)
    .set({ progress: input.progress, log: input.log, counts: input.counts })
    .where(and(eq(jobRuns.id, id), eq(jobRuns.status, "running")))
    .run();
}

/** Ends a running row; returns false when it was no longer running (finished elsewhere). */
export function finishRun(
  db: Db,
  id: number,
  input: {
    status: Exclude<JobRunStatus, "running">;
    finishedAt: number;
    counts?: string;
    error?: string | null;
    log?: string;
  },
): boolean {
  const result = db
    .update(jobRuns)
    .set({
      status: input.status,
      finished_at: input.finishedAt,
      error: input.error ?? null,
      progress: null,
      ...(input.counts !== undefined ? { counts: input.counts } : {}),
      ...(input.log !== undefined ? { log: input.log } : {}),
    })
    .where(and(eq(jobRuns.id, id), eq(jobRuns.status, "running")))
    .returning({ id: jobRuns.id })
    .all();
  return result.length > 0;
}

export function setReportPath(db: Db, id: number, reportPath: string | null): void {
  db.update(jobRuns).set({ report_path: reportPath }).where(eq(jobRuns.id, id)).run();
}

/** A run as history lists show it: every column but its log (up to thousands of lines each). */
export type JobRunSummary = Omit<JobRunRow, "log">;

/**
 * The latest runs, newest first, optionally of one job or a set of jobs, before an id (paging).
 * Without the log, which the dashboard and /jobs never show, and as one raw statement that
 * bun:sqlite compiles once: the dashboard reads this on every load, and drizzle built and
 * prepared the query per call (0.3 ms a page; `bun run bench web`).
 */
export function recentRuns(
  dbh: DbHandle,
  options: { job?: string; jobs?: string[]; limit?: number; beforeId?: number } = {},
): JobRunSummary[] {
  return dbh.sqlite
    .query<JobRunSummary, [string | null, string | null, number | null, number]>(
      `SELECT id, job, trigger, started_at, finished_at, status, counts, progress, error, report_path, pid
         FROM job_runs
        WHERE (?1 IS NULL OR job = ?1)
          AND (?2 IS NULL OR job IN (SELECT value FROM json_each(?2)))
          AND (?3 IS NULL OR id < ?3)
        ORDER BY id DESC
        LIMIT ?4`,
    )
    .all(
      options.job || null,
      options.jobs ? JSON.stringify(options.jobs) : null,
      options.beforeId || null,
      options.limit ?? 50,
    );
}

/** The latest run of each job (any status), keyed by job name. */
export function latestRunPerJob(db: Db): Map<string, JobRunRow> {
  const rows = db
    .select()
    .from(jobRuns)
    .where(sql`${jobRuns.id} IN (SELECT max(id) FROM job_runs GROUP BY job)`)
    .all();
  return new Map(rows.map((r) => [r.job, r]));
}

/** The latest finished run of each job (for "last outcome" and metrics). */
export function latestFinishedRunPerJob(db: Db): Map<string, JobRunRow> {
  const rows = db
    .select()
    .from(jobRuns)
    .where(sql`${jobRuns.id} IN (SELECT max(id) FROM job_runs WHERE status != 'running' GROUP BY job)`)
    .all();
  return new Map(rows.map((r) => [r.job, r]));
}

/** Epoch ms of the last succeeded run of each job. */
export function lastSuccessPerJob(db: Db): Map<string, number> {
  const rows = db
    .select({ job: jobRuns.job, at: sql<number>`max(${jobRuns.finished_at})` })
    .from(jobRuns)
    .where(eq(jobRuns.status, "succeeded"))
    .groupBy(jobRuns.job)
    .all();
  return new Map(rows.map((r) => [r.job, r.at]));
}

/** Runs of `job` that still have a report file, newest first. */
export function runsWithReports(db: Db, job: string): Array<{ id: number; report_path: string }> {
  return db
    .select({ id: jobRuns.id, report_path: jobRuns.report_path })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, job), isNotNull(jobRuns.report_path)))
    .orderBy(desc(jobRuns.id))
    .all() as Array<{ id: number; report_path: string }>;
}

export function clearReportPaths(db: Db, ids: number[]): void {
  if (ids.length === 0) return;
  db.update(jobRuns).set({ report_path: null }).where(inArray(jobRuns.id, ids)).run();
}

/** Every run that has a report, newest first (the reports index). */
export function allRunsWithReports(db: Db, limit = 2000): JobRunRow[] {
  return db
    .select()
    .from(jobRuns)
    .where(isNotNull(jobRuns.report_path))
    .orderBy(desc(jobRuns.id))
    .limit(limit)
    .all();
}

/** Retention: deletes finished runs started before `cutoff`; returns how many. */
export function deleteRunsBefore(db: Db, cutoff: number): number {
  return (
    db
      .delete(jobRuns)
      .where(and(lt(jobRuns.started_at, cutoff), ne(jobRuns.status, "running")))
      .run() as unknown as RunResult
  ).changes;
}

/** What bun:sqlite's run() returns (drizzle types it as void). */
interface RunResult {
  changes: number;
}

/** Report files of the finished runs that deleteRunsBefore(cutoff) will remove. */
export function reportPathsBefore(db: Db, cutoff: number): string[] {
  return db
    .select({ path: jobRuns.report_path })
    .from(jobRuns)
    .where(and(lt(jobRuns.started_at, cutoff), ne(jobRuns.status, "running"), isNotNull(jobRuns.report_path)))
    .all()
    .map((r) => r.path as string);
}

/**
 * In a restored backup: runs that were in progress when it was taken (the backup's own run
 * among them) did not go on in this database.
 */
export function closeRunsOfRestoredBackup(db: Db, at: number): number {
  return db
    .update(jobRuns)
    .set({ status: "interrupted", finished_at: at, error: "in progress when the backup was taken" })
    .where(eq(jobRuns.status, "running"))
    .returning({ id: jobRuns.id })
    .all().length;
}
