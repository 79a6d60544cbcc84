import type { ReportSection } from "../lib/report-sections.ts";
import type { LogLevel, RunProgress } from "../lib/run-hooks.ts";

/**
 * The job contract. It imports only types from lib: `D` is what the runner hands each job to
 * call services with, so this file needs none of it; types.ts binds it to Redriva's Deps.
 */

/** What started a run (schema/jobs.ts JOB_TRIGGERS; recording a run refuses one the schema lacks). */
export type JobTrigger = "schedule" | "manual" | "cli" | "resume";

/** Everything a job receives. Jobs call services with `deps`; they never touch the runner. */
export interface JobContext<D> {
  deps: D;
  /** Aborted on shutdown (SIGTERM) or cancel: checkpoint and return promptly. */
  signal: AbortSignal;
  trigger: JobTrigger;
  runId: number;
  /** One human line into the run's log (kept in job_runs.log and the report). */
  log(line: string, level?: LogLevel): void;
  progress(progress: RunProgress): void;
  /** Sets a named count (shown on the page, in the report and in the JSON API). */
  count(name: string, value: number): void;
}

/** What a job returns. A run that did only part of its work must say `failed`. */
export interface JobOutcome {
  status?: "succeeded" | "failed" | "interrupted" | "cancelled";
  counts?: Record<string, number>;
  /** Why it failed (or what is missing), shown on the page, in the report and notifications. */
  error?: string | null;
  /** One line for the history table ("1,204 torrents, 12 new"). */
  summary?: string;
  report?: ReportSection[];
}

export interface JobDefinition<D> {
  /** kebab-case, unique: URLs, CLI and JOB_<NAME>_SCHEDULE use it. */
  name: string;
  description: string;
  /** Cron expression (5 fields, or 6 with seconds) or "off". */
  defaultSchedule: string;
  /** null when the job can run; otherwise why not ("set MEDIA_ROOT"). Unavailable jobs are not scheduled. */
  availability?(deps: D): string | null;
  run(ctx: JobContext<D>): Promise<JobOutcome>;
  /** Continues a run interrupted by a crash or a shutdown (called at the next start). */
  resume?(ctx: JobContext<D>): Promise<JobOutcome>;
  /**
   * Jobs sharing a group never run at the same time (a trigger while another member runs is
   * refused like an overlap) and resume once for the group: smart-sync and full-sync share the
   * sync checkpoint.
   */
  group?: string;
  /**
   * Other ways to run this job on demand (the dashboard's "List only" is a variant of smart-sync):
   * they are recorded as runs of this job, so every run shows in one history.
   */
  variants?: Record<string, JobVariant<D>>;
}

export interface JobVariant<D> {
  /** Words for the log and the history ("list only"). */
  label: string;
  run(ctx: JobContext<D>): Promise<JobOutcome>;
  /** Its caller prints the run's lines to a terminal (the CLI): they are not echoed into the process log. */
  terminal?: boolean;
}
