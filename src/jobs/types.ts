import type { JobRunStatus, JobTrigger } from "../db/repo/jobs.ts";
import type { Deps } from "../deps.ts";
import type { ReportSection } from "../services/reports/sections.ts";

export type { JobRunStatus, JobTrigger, ReportSection };

/** What a running job reports for the live view (/jobs page, CLI). */
export interface JobProgress {
  phase?: string;
  done?: number;
  total?: number;
  message?: string;
}

export type LogLevel = "info" | "warn" | "error";

/** Everything a job receives. Jobs call services with `deps`; they never touch the runner. */
export interface JobContext {
  deps: Deps;
  /** Aborted on shutdown (SIGTERM) or cancel: checkpoint and return promptly. */
  signal: AbortSignal;
  trigger: JobTrigger;
  runId: number;
  /** One human line into the run's log (kept in job_runs.log and the report). */
  log(line: string, level?: LogLevel): void;
  progress(progress: JobProgress): void;
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

export interface JobDefinition {
  /** kebab-case, unique: URLs, CLI and JOB_<NAME>_SCHEDULE use it. */
  name: string;
  description: string;
  /** Cron expression (5 fields, or 6 with seconds) or "off". */
  defaultSchedule: string;
  /** null when the job can run; otherwise why not ("set MEDIA_ROOT"). Unavailable jobs are not scheduled. */
  availability?(deps: Deps): string | null;
  run(ctx: JobContext): Promise<JobOutcome>;
  /** Continues a run interrupted by a crash or a shutdown (called at the next start). */
  resume?(ctx: JobContext): Promise<JobOutcome>;
  /**
   * Jobs sharing a group never run at the same time (a trigger while another member runs is
   * refused like an overlap) and resume once for the group: smart-sync and full-sync share the
   * sync checkpoint.
   */
  group?: string;
}
