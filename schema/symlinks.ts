import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** dry-run: report only; real: delete after confirmation. */
export const SYMLINK_SCAN_MODES = ["dry-run", "real"] as const;
/** basic: phase 1; full: phase 1 + ffprobe. */
export const SYMLINK_SCAN_DEPTHS = ["basic", "full"] as const;
export const SYMLINK_SCAN_STATUSES = [
  "running",
  "awaiting_confirmation",
  "completed",
  "cancelled",
  "failed",
  "interrupted",
] as const;
/** What a run ended or paused in. */
export const SYMLINK_SCAN_PHASES = ["walk", "phase1", "phase2", "delete", "rescan", "done"] as const;
/** A folder is reported (it cannot be listed) but never deleted. */
export const SYMLINK_PROBLEM_KINDS = ["symlink", "file", "folder"] as const;
/** What is wrong with a link or file (services/symlinks/check.ts: phase 1, then phase 2). */
export const SYMLINK_PROBLEM_TYPES = [
  "broken",
  "inaccessible",
  "empty",
  "io_error",
  "corrupt",
  "timeout",
] as const;

/**
 * One row per symlink-checker scan: what was asked (mode, depth, paths), what it found per phase
 * and problem type, what it deleted, how it ended. Only the last N are kept (SYMLINK_HISTORY_KEEP).
 */
export const symlinkScans = sqliteTable(
  "symlink_scans",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    started_at: integer("started_at").notNull(),
    finished_at: integer("finished_at"),
    mode: text("mode", { enum: SYMLINK_SCAN_MODES }).notNull(),
    depth: text("depth", { enum: SYMLINK_SCAN_DEPTHS }).notNull(),
    /** JSON array of folders relative to the media root ("" = the whole root). */
    paths: text("paths").notNull().default("[]"),
    /** Media root at the time of the scan (problem paths are relative to it). */
    root: text("root").notNull(),
    status: text("status", { enum: SYMLINK_SCAN_STATUSES }).notNull(),
    phase: text("phase", { enum: SYMLINK_SCAN_PHASES }).notNull().default("walk"),
    /** Process that owns a running row; a row whose pid is gone was interrupted. */
    pid: integer("pid"),
    /** Options the run used (workers, timeout, threshold), for "run again". */
    options: text("options").notNull().default("{}"),
    total: integer("total").notNull().default(0),
    phase1_checked: integer("phase1_checked").notNull().default(0),
    phase1_ok: integer("phase1_ok").notNull().default(0),
    phase1_broken: integer("phase1_broken").notNull().default(0),
    phase1_inaccessible: integer("phase1_inaccessible").notNull().default(0),
    phase1_empty: integer("phase1_empty").notNull().default(0),
    phase1_io_error: integer("phase1_io_error").notNull().default(0),
    phase2_total: integer("phase2_total").notNull().default(0),
    phase2_analyzed: integer("phase2_analyzed").notNull().default(0),
    phase2_corrupt: integer("phase2_corrupt").notNull().default(0),
    phase2_timeout: integer("phase2_timeout").notNull().default(0),
    /** Estimated phase 2 duration (ms) announced before it started. */
    phase2_estimate_ms: integer("phase2_estimate_ms"),
    /** Mean ffprobe time per file, used to estimate the next scan's phase 2. */
    probe_avg_ms: integer("probe_avg_ms"),
    deleted: integer("deleted").notNull().default(0),
    delete_failed: integer("delete_failed").notNull().default(0),
    rescans: integer("rescans").notNull().default(0),
    duration_ms: integer("duration_ms"),
    error: text("error"),
    report_path: text("report_path"),
  },
  (t) => [index("idx_symlink_scans_started").on(t.started_at)],
);

/** The problems a scan found, one row per link/file. */
export const symlinkProblems = sqliteTable(
  "symlink_problems",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    scan_id: integer("scan_id")
      .notNull()
      .references(() => symlinkScans.id, { onDelete: "cascade" }),
    /** Relative to the scan's root. */
    path: text("path").notNull(),
    type: text("type", { enum: SYMLINK_PROBLEM_TYPES }).notNull(),
    kind: text("kind", { enum: SYMLINK_PROBLEM_KINDS }).notNull(),
    /** Where the link points (as written in the link), for symlinks. */
    target: text("target"),
    size: integer("size"),
    detail: text("detail"),
    deleted_at: integer("deleted_at"),
    delete_error: text("delete_error"),
  },
  // (scan_id, path): the scan page reads a filtered page in path order without sorting every finding.
  (t) => [
    index("idx_symlink_problems_scan").on(t.scan_id, t.type),
    index("idx_symlink_problems_scan_path").on(t.scan_id, t.path),
  ],
);
