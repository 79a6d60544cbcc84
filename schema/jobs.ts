import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** What started a run. */
export const JOB_TRIGGERS = ["schedule", "manual", "cli", "resume"] as const;
export const JOB_RUN_STATUSES = ["running", "succeeded", "failed", "cancelled", "interrupted"] as const;

/**
 * One row per job run (scheduled, manual, from the CLI, or resuming an interrupted one).
 * At most one `running` row per job (partial unique index): that is what refuses an overlapping
 * trigger, even from another process (the CLI while the server runs).
 */
export const jobRuns = sqliteTable(
  "job_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    job: text("job").notNull(),
    trigger: text("trigger", { enum: JOB_TRIGGERS }).notNull(),
    /** Epoch ms. */
    started_at: integer("started_at").notNull(),
    finished_at: integer("finished_at"),
    status: text("status", { enum: JOB_RUN_STATUSES }).notNull(),
    /** JSON object of named counts (torrents seen, files checked...). */
    counts: text("counts").notNull().default("{}"),
    /** JSON of the last progress report while running: {phase, done, total, message}. */
    progress: text("progress"),
    error: text("error"),
    /** Log lines, newline-separated, capped (see src/jobs/run-log.ts). */
    log: text("log").notNull().default(""),
    /** Report file relative to DATA_DIR/reports, null once rotated away. */
    report_path: text("report_path"),
    /** Process that owns a running row: a running row whose process is gone was interrupted. */
    pid: integer("pid"),
  },
  (t) => [
    index("idx_job_runs_job_started").on(t.job, t.started_at),
    index("idx_job_runs_started").on(t.started_at),
    uniqueIndex("uq_job_runs_running").on(t.job).where(sql`status = 'running'`),
  ],
);

/**
 * Time series kept beyond the process (Prometheus only sees the present): one row per metric,
 * label set and minute, e.g. debrid requests per provider. Retention: METRICS_RETENTION_DAYS.
 */
export const metricSamples = sqliteTable(
  "metric_samples",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    /** Stable JSON of the labels ({"provider":"realdebrid"}). */
    labels: text("labels").notNull().default("{}"),
    /** Epoch ms at the start of the minute. */
    at: integer("at").notNull(),
    value: real("value").notNull(),
  },
  (t) => [index("idx_metric_samples_name_at").on(t.name, t.at), index("idx_metric_samples_at").on(t.at)],
);
