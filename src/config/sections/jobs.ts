import { Cron } from "croner";
import { z } from "zod";
import { optionalText, positiveInt } from "../fields.ts";

/**
 * Job schedules and retention. A schedule variable left empty means "the job's own default"
 * (src/jobs/definitions/*); `off` disables the schedule (manual runs still work). The /jobs page
 * can override a schedule; the override is stored in SQLite and wins over the environment.
 */

/** The jobs whose schedule can be set from the environment: JOB_<NAME>_SCHEDULE. */
export const SCHEDULED_JOB_NAMES = [
  "smart-sync",
  "full-sync",
  "repair-scan",
  "repair-retry",
  "symlink-check",
  "backup",
  "cleanup",
  "disk-check",
] as const;

export function scheduleVariable(job: string): string {
  return `JOB_${job.toUpperCase().replace(/-/g, "_")}_SCHEDULE`;
}

/** null when `value` is a valid cron expression or "off", else what is wrong. */
export function cronProblem(value: string, timezone?: string): string | null {
  if (isOff(value)) return null;
  try {
    new Cron(value, { paused: true, timezone }).stop();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^CronPattern: /, "") : String(error);
  }
}

export function isOff(value: string): boolean {
  return /^(off|disabled|false|none)$/i.test(value.trim());
}

const schedule = () =>
  optionalText().refine(
    (s) => s === undefined || cronProblem(s) === null,
    "expected a cron expression (e.g. */15 * * * *, 6 fields for seconds) or off",
  );

const timezone = () =>
  optionalText().refine((tz) => {
    if (tz === undefined) return true;
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "expected an IANA time zone such as Europe/Paris");

const scheduleShape = Object.fromEntries(
  SCHEDULED_JOB_NAMES.map((name) => [scheduleVariable(name), schedule()]),
);

export const jobsSchema = z.object({
  ...(scheduleShape as Record<string, ReturnType<typeof schedule>>),
  /** Time zone of the cron expressions (default: the process time zone, TZ). */
  JOBS_TIMEZONE: timezone(),
  /** HTML reports kept per job (older ones are deleted after each run). */
  REPORTS_KEEP: positiveInt(30),
  /** Database backups kept in DATA_DIR/backups. */
  BACKUPS_KEEP: positiveInt(7),
  /** Job history (runs and their log lines) older than this is deleted by the cleanup job. */
  JOB_HISTORY_DAYS: positiveInt(90),
  /** Stored metric samples (requests per minute...) older than this are deleted. */
  METRICS_RETENTION_DAYS: positiveInt(90),
  /** Repair attempts older than this are deleted (when the repair feature is present). */
  ATTEMPTS_RETENTION_DAYS: positiveInt(30),
});

export function buildJobs(env: z.infer<typeof jobsSchema>) {
  const schedules: Record<string, string | undefined> = {};
  const raw = env as Record<string, unknown>;
  for (const name of SCHEDULED_JOB_NAMES) schedules[name] = raw[scheduleVariable(name)] as string | undefined;
  return {
    /** Per job: the environment's cron expression or "off"; undefined = the job's default. */
    schedules,
    timezone: env.JOBS_TIMEZONE,
    reportsKeep: env.REPORTS_KEEP,
    backupsKeep: env.BACKUPS_KEEP,
    historyDays: env.JOB_HISTORY_DAYS,
    metricsDays: env.METRICS_RETENTION_DAYS,
    attemptsDays: env.ATTEMPTS_RETENTION_DAYS,
  };
}
