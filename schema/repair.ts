import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A candidate's state (see repairCandidates). */
export const CANDIDATE_STATES = [
  "pending",
  "retry",
  "running",
  "repaired",
  "failed",
  "skipped",
  "dismissed",
] as const;
/** What started an attempt. */
export const REPAIR_TRIGGERS = ["schedule", "retry", "manual", "cli"] as const;
/** What happened to one candidate in a run. */
export const REPAIR_OUTCOMES = [
  "repaired", // re-added, confirmed, old one deleted
  "retry", // in the retry queue (due_at)
  "failed", // failed for good
  "skipped", // nothing to do
  "planned", // dry run: what would be done
  "deferred", // not tried: the provider refused the run (rate limit storm); queued for later
  "aborted", // not tried to the end: the token was refused or the run stopped
] as const;
/** reinject, or delete (a virus). */
export const REPAIR_ACTIONS = ["reinject", "delete"] as const;
export const REPAIR_SCAN_MODES = ["quick", "full", "symlinks"] as const;
export const REPAIR_SCAN_STATUSES = ["running", "succeeded", "failed"] as const;

/**
 * Repair (issue 5). No foreign key to `torrents`: a candidate can come from the provider's list
 * or a broken symlink before any sync has stored the torrent locally.
 *
 * A candidate's `state`:
 * - pending: found, not tried yet;
 * - retry: in the retry queue, next attempt at `due_at`;
 * - running: an attempt is in flight (a crash leaves it; the next run takes it again);
 * - repaired: re-added, old torrent deleted (`new_torrent_id`);
 * - failed: permanent failure (infringing, virus, attempts exhausted);
 * - skipped: nothing to do (the torrent is healthy at the provider, or gone with no hash);
 * - dismissed: the user chose to ignore it.
 */
export const repairCandidates = sqliteTable(
  "repair_candidates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    provider: text("provider").notNull().default("realdebrid"),
    torrent_id: text("torrent_id").notNull(),
    hash: text("hash"),
    filename: text("filename").notNull().default(""),
    /** broken_symlink | link_unavailable | dead | error | magnet_error | virus */
    reason: text("reason").notNull(),
    /** Provider status when found. */
    status_seen: text("status_seen"),
    /** JSON: what the detection saw (broken link paths, the unrestrict error...). */
    detail: text("detail").notNull().default("{}"),
    /** Lower runs first (from REPAIR_PRIORITY at detection time). */
    priority: integer("priority").notNull().default(0),
    state: text("state", { enum: CANDIDATE_STATES }).notNull().default("pending"),
    /** Re-injection attempts made so far. */
    attempts: integer("attempts").notNull().default(0),
    /** Epoch ms when the next attempt is due (retry queue). */
    due_at: integer("due_at"),
    /** Failure class of the last attempt (rate_limited, infringing, magnet_error...). */
    failure: text("failure"),
    last_error: text("last_error"),
    new_torrent_id: text("new_torrent_id"),
    found_at: integer("found_at").notNull(),
    /** Last time a scan saw it failing. */
    seen_at: integer("seen_at").notNull(),
    updated_at: integer("updated_at").notNull(),
    resolved_at: integer("resolved_at"),
  },
  (t) => [
    uniqueIndex("uq_repair_candidates_torrent").on(t.provider, t.torrent_id),
    index("idx_repair_candidates_state").on(t.state, t.priority, t.found_at),
    index("idx_repair_candidates_due").on(t.state, t.due_at),
    index("idx_repair_candidates_new").on(t.new_torrent_id),
  ],
);

/** Every action taken on a candidate: when, what, outcome, error, response time. */
export const repairAttempts = sqliteTable(
  "repair_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    candidate_id: integer("candidate_id")
      .notNull()
      .references(() => repairCandidates.id, { onDelete: "cascade" }),
    /** Whose torrent: ids are only unique per provider. */
    provider: text("provider").notNull().default("realdebrid"),
    /** The torrent id at the time of the attempt. */
    torrent_id: text("torrent_id").notNull(),
    hash: text("hash"),
    action: text("action", { enum: REPAIR_ACTIONS }).notNull(),
    trigger: text("trigger", { enum: REPAIR_TRIGGERS }).notNull(),
    started_at: integer("started_at").notNull(),
    finished_at: integer("finished_at").notNull(),
    /** planned: a dry run's attempt (dry_run set); aborted: token refused or run stopped, not counted. */
    outcome: text("outcome", { enum: REPAIR_OUTCOMES }).notNull(),
    /** A dry run: recorded so the history shows what was planned; the candidate is left as it was. */
    dry_run: integer("dry_run", { mode: "boolean" }).notNull().default(false),
    /** Failure class (rate_limited, infringing...) when it did not succeed. */
    failure: text("failure"),
    error: text("error"),
    /** Provider error code (35, 34...) when there was one. */
    error_code: text("error_code"),
    /** Time spent waiting on provider answers (sum of request times), ms. */
    response_ms: integer("response_ms").notNull().default(0),
    requests: integer("requests").notNull().default(0),
    new_torrent_id: text("new_torrent_id"),
    /** JSON: files selected, links removed, Sonarr/Radarr commands... */
    detail: text("detail").notNull().default("{}"),
  },
  (t) => [
    index("idx_repair_attempts_candidate").on(t.candidate_id, t.started_at),
    index("idx_repair_attempts_torrent").on(t.provider, t.torrent_id),
    index("idx_repair_attempts_started").on(t.started_at),
  ],
);

/** When a re-injection replaced a torrent id by a new one (history across ids). */
export const repairTorrentRenames = sqliteTable(
  "repair_torrent_renames",
  {
    provider: text("provider").notNull().default("realdebrid"),
    old_id: text("old_id").notNull(),
    new_id: text("new_id").notNull(),
    renamed_at: integer("renamed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.old_id] }),
    index("idx_repair_renames_new").on(t.provider, t.new_id),
  ],
);

/** Full scans test-unrestrict a bounded sample per run; this remembers what was checked when. */
export const repairLinkChecks = sqliteTable(
  "repair_link_checks",
  {
    provider: text("provider").notNull().default("realdebrid"),
    torrent_id: text("torrent_id").notNull(),
    checked_at: integer("checked_at").notNull(),
    ok: integer("ok").notNull(),
    error: text("error"),
  },
  (t) => [primaryKey({ columns: [t.provider, t.torrent_id] })],
);

/** One row per detection scan. */
export const repairScans = sqliteTable(
  "repair_scans",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    mode: text("mode", { enum: REPAIR_SCAN_MODES }).notNull(),
    started_at: integer("started_at").notNull(),
    finished_at: integer("finished_at"),
    status: text("status", { enum: REPAIR_SCAN_STATUSES }).notNull(),
    torrents_listed: integer("torrents_listed").notNull().default(0),
    checked: integer("checked").notNull().default(0),
    found: integer("found").notNull().default(0),
    new_candidates: integer("new_candidates").notNull().default(0),
    requests: integer("requests").notNull().default(0),
    error: text("error"),
  },
  (t) => [index("idx_repair_scans_started").on(t.started_at)],
);
