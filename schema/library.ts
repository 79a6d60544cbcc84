import {
  foreignKey,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/** How a sync walks the library (services/sync). */
export const SYNC_MODES = ["torrents", "full", "smart", "resume", "details"] as const;
/** How a sync run ended; `running` while it runs. */
export const SYNC_RUN_STATUSES = ["running", "succeeded", "failed", "interrupted", "cancelled"] as const;
/** Why a sync wants a torrent's details (services/sync/plan.ts gives their priority). */
export const SYNC_DETAIL_REASONS = [
  "new",
  "finished",
  "changed",
  "active",
  "error_retry",
  "stale",
  "missing_details",
  "full",
  "status",
] as const;
/** A planned details fetch of a sync's checkpoint. */
export const SYNC_ITEM_STATES = ["pending", "done", "failed", "gone"] as const;

/**
 * The mirrored debrid library. `torrents` and `torrent_details` keep the column names of the
 * original Redriva so that users' own SQL keeps working; everything else is added beside them.
 *
 * `seq` is an explicit INTEGER PRIMARY KEY because the full-text index is keyed by rowid, and
 * VACUUM (used by backups) may renumber implicit rowids.
 *
 * A torrent is identified by (provider, id): two providers may hand out the same id. The unique
 * index is (id, provider) so that lookups by `id` alone (users' SQL, a pasted id) still use it
 * (migration 0012_library_provider_key).
 */
export const torrents = sqliteTable(
  "torrents",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    provider: text("provider").notNull().default("realdebrid"),
    filename: text("filename").notNull().default(""),
    status: text("status").notNull(),
    bytes: integer("bytes").notNull().default(0),
    /** ISO date from the provider (`added`). */
    added_on: text("added_on"),
    ended_on: text("ended_on"),
    hash: text("hash"),
    host: text("host"),
    split: integer("split"),
    progress: real("progress").notNull().default(0),
    speed: integer("speed"),
    seeders: integer("seeders"),
    /** JSON array of restricted links, as returned by the list endpoint. */
    links: text("links").notNull().default("[]"),
    links_count: integer("links_count").notNull().default(0),
    /** Epoch ms: first and last time a sync saw it in the provider's list. */
    first_seen_at: integer("first_seen_at").notNull(),
    last_seen_at: integer("last_seen_at").notNull(),
    /** Epoch ms of the last change to a list field (status, progress, bytes, links...). */
    changed_at: integer("changed_at").notNull(),
    /** Epoch ms when a sync stopped seeing it at the provider; null while present. */
    removed_at: integer("removed_at"),
    /** Last failure to fetch its details (smart sync retries these unless told not to). */
    details_error: text("details_error"),
    details_error_at: integer("details_error_at"),
    /**
     * Copies of torrent_details.files_count and .error, kept by triggers (migration 0020), so the
     * list reads one row per torrent: null files count = no details yet.
     */
    details_files_count: integer("details_files_count"),
    details_provider_error: text("details_provider_error"),
  },
  (t) => [
    uniqueIndex("torrents_id_provider_unique").on(t.id, t.provider),
    // The list's sorts and filters use the partial ui_live_* indexes (schema/ui.ts); the single-column
    // indexes that came before them were dropped in 0025: every sync write paid for them.
    index("idx_torrents_hash").on(t.hash),
    // Covering index for the totals of present torrents (stats --compact reads only this index).
    index("idx_torrents_presence").on(t.removed_at, t.status, t.bytes),
  ],
);

export const torrentDetails = sqliteTable(
  "torrent_details",
  {
    provider: text("provider").notNull().default("realdebrid"),
    id: text("id").notNull(),
    name: text("name").notNull().default(""),
    original_filename: text("original_filename"),
    status: text("status").notNull(),
    size: integer("size").notNull().default(0),
    original_bytes: integer("original_bytes"),
    files_count: integer("files_count").notNull().default(0),
    progress: real("progress").notNull().default(0),
    /** Comma-separated links, as in the original product. */
    links: text("links").notNull().default(""),
    hash: text("hash"),
    host: text("host"),
    error: text("error"),
    added_on: text("added_on"),
    ended_on: text("ended_on"),
    speed: integer("speed"),
    seeders: integer("seeders"),
    /** Epoch ms when these details were fetched. */
    fetched_at: integer("fetched_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.id] }),
    foreignKey({ columns: [t.provider, t.id], foreignColumns: [torrents.provider, torrents.id] })
      .onDelete("cascade")
      .onUpdate("cascade"),
    index("idx_details_status").on(t.status),
    index("idx_details_fetched").on(t.fetched_at),
  ],
);

export const torrentFiles = sqliteTable(
  "torrent_files",
  {
    provider: text("provider").notNull().default("realdebrid"),
    torrent_id: text("torrent_id").notNull(),
    file_id: integer("file_id").notNull(),
    path: text("path").notNull(),
    bytes: integer("bytes").notNull().default(0),
    selected: integer("selected").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.torrent_id, t.file_id] }),
    foreignKey({ columns: [t.provider, t.torrent_id], foreignColumns: [torrents.provider, torrents.id] })
      .onDelete("cascade")
      .onUpdate("cascade"),
    index("idx_files_path").on(t.path),
  ],
);

/** One row per sync run: what it did, what it cost, how it ended. */
export const syncRuns = sqliteTable(
  "sync_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The provider whose library this run mirrors (one run per provider). */
    provider: text("provider").notNull().default("realdebrid"),
    mode: text("mode", { enum: SYNC_MODES }).notNull(),
    status: text("status", { enum: SYNC_RUN_STATUSES }).notNull(),
    options: text("options").notNull().default("{}"),
    started_at: integer("started_at").notNull(),
    finished_at: integer("finished_at"),
    /** Process that owns a running row; a row whose pid is gone was interrupted. */
    pid: integer("pid"),
    list_requests: integer("list_requests").notNull().default(0),
    detail_requests: integer("detail_requests").notNull().default(0),
    total_requests: integer("total_requests").notNull().default(0),
    rate_limited: integer("rate_limited").notNull().default(0),
    torrents_seen: integer("torrents_seen").notNull().default(0),
    added: integer("added").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    removed: integer("removed").notNull().default(0),
    details_planned: integer("details_planned").notNull().default(0),
    details_done: integer("details_done").notNull().default(0),
    details_failed: integer("details_failed").notNull().default(0),
    /** Run this one resumes, if any. */
    resumed_from: integer("resumed_from"),
    error: text("error"),
    summary: text("summary").notNull().default("{}"),
  },
  (t) => [index("idx_sync_runs_started").on(t.started_at)],
);

/**
 * The checkpoint of a sync: every details fetch it planned, with its state. `sync resume`
 * continues with the pending ones of an interrupted run.
 */
export const syncRunItems = sqliteTable(
  "sync_run_items",
  {
    run_id: integer("run_id")
      .notNull()
      .references(() => syncRuns.id, { onDelete: "cascade" }),
    torrent_id: text("torrent_id").notNull(),
    reason: text("reason", { enum: SYNC_DETAIL_REASONS }).notNull(),
    priority: integer("priority").notNull().default(0),
    state: text("state", { enum: SYNC_ITEM_STATES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
  },
  (t) => [
    primaryKey({ columns: [t.run_id, t.torrent_id] }),
    index("idx_sync_items_state").on(t.run_id, t.state, t.priority),
  ],
);

/** A point per sync for "library over time" charts. */
export const librarySnapshots = sqliteTable("library_snapshots", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  taken_at: integer("taken_at").notNull(),
  torrents: integer("torrents").notNull(),
  bytes: integer("bytes").notNull(),
  by_status: text("by_status").notNull().default("{}"),
});
