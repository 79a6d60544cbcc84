import { blob, index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { DOWNLOAD_STAGES } from "../src/domain/download-stage.ts";
import { GRAB_FAILURE_REASONS } from "../src/domain/grab-failure.ts";

/** How it was added: a magnet, a .torrent, or a file host's link (no torrent: unrestricted and downloaded). */
export const SOURCE_KINDS = ["magnet", "torrent", "link"] as const;
/** Why the downloader holds a torrent although it is not paused. */
export const BLOCKED_REASONS = ["disk"] as const;
/** A file's transfer: waiting for its turn, in aria2c, on disk, failed for good. */
export const FILE_STATUSES = ["pending", "active", "complete", "error"] as const;

/**
 * Torrents handed to Redriva through the qBittorrent API (or the /downloads page), as the *arr
 * sees them. The row is the desired state (paused, category, priority...); the downloader
 * converges the provider and aria2c to it and writes progress back.
 */
export const downloadTorrents = sqliteTable(
  "download_torrents",
  {
    /** v1 info-hash, lower-case hex: what the *arr matches on. */
    hash: text("hash").primaryKey(),
    name: text("name").notNull(),
    source_kind: text("source_kind", { enum: SOURCE_KINDS }).notNull(),
    magnet: text("magnet"),
    torrent_file: blob("torrent_file", { mode: "buffer" }),
    /** source_kind link: the file host's link as pasted (unrestricted again before every start, never stored unrestricted). */
    link: text("link"),
    category: text("category").notNull().default(""),
    /** Absolute folder the finished content goes into (category folder or the requested savepath). */
    save_path: text("save_path").notNull(),
    /** Comma-separated, as qBittorrent stores them. */
    tags: text("tags").notNull().default(""),
    /** Where the download is (src/domain/download-stage.ts says which moves are allowed). */
    stage: text("stage", { enum: DOWNLOAD_STAGES }).notNull(),
    /** Wanted paused by the user (qBit pause/stop). */
    paused: integer("paused", { mode: "boolean" }).notNull().default(false),
    /** Why the downloader holds it although not paused (null: nothing holds it). */
    blocked: text("blocked", { enum: BLOCKED_REASONS }),
    force_start: integer("force_start", { mode: "boolean" }).notNull().default(false),
    /** Smaller runs first; topPrio/bottomPrio move it. */
    queue_order: real("queue_order").notNull(),
    /** Provider chosen for it, and the providers already tried (comma-separated). */
    provider: text("provider"),
    provider_id: text("provider_id"),
    providers_tried: text("providers_tried").notNull().default(""),
    provider_status: text("provider_status"),
    /** 0..100 as the provider reports it. */
    provider_progress: real("provider_progress").notNull().default(0),
    provider_speed: integer("provider_speed").notNull().default(0),
    /** Total bytes of the selected files (0 until known). */
    size: integer("size").notNull().default(0),
    /** Bytes on disk (aria2c's completed length, summed). */
    downloaded: integer("downloaded").notNull().default(0),
    /** Smoothed bytes per second. */
    speed: integer("speed").notNull().default(0),
    error: text("error"),
    /** Why it failed for good (src/domain/grab-failure.ts), and when: one *arr replacement per failure. */
    fail_reason: text("fail_reason", { enum: GRAB_FAILURE_REASONS }),
    failed_at: integer("failed_at"),
    /** Human words for the current phase ("waiting for disk space", "retrying in 30 s"). */
    message: text("message"),
    attempts: integer("attempts").notNull().default(0),
    /** Epoch ms before which the provider step is not retried. */
    next_attempt_at: integer("next_attempt_at").notNull().default(0),
    /** Name of the file or folder on disk (sanitised), once known. */
    root_name: text("root_name"),
    content_path: text("content_path"),
    delete_files: integer("delete_files", { mode: "boolean" }).notNull().default(false),
    ratio_limit: real("ratio_limit").notNull().default(-2),
    seeding_time_limit: integer("seeding_time_limit").notNull().default(-2),
    inactive_seeding_time_limit: integer("inactive_seeding_time_limit").notNull().default(-2),
    /** Epoch ms. */
    added_on: integer("added_on").notNull(),
    completion_on: integer("completion_on"),
    last_activity: integer("last_activity").notNull(),
    /** Last time bytes moved, to tell stalled from slow. */
    progress_at: integer("progress_at").notNull(),
    /** Announce URLs from the magnet or .torrent, then as edited through the API (newline-separated). */
    trackers: text("trackers").notNull().default(""),
    /** qBit flags a client toggles; kept so they read back as set (aria2c downloads whole files). */
    seq_dl: integer("seq_dl", { mode: "boolean" }).notNull().default(false),
    f_l_piece_prio: integer("f_l_piece_prio", { mode: "boolean" }).notNull().default(false),
    /** From the .torrent file: its comment and creation date (unix seconds). */
    comment: text("comment"),
    creation_date: integer("creation_date"),
    /** Torrent file indexes the client set to priority 0 (comma-separated): not downloaded. */
    skipped_files: text("skipped_files").notNull().default(""),
    /** Symlink mode: the torrent's name at the provider (its folder in the mount), kept across restarts. */
    mount_name: text("mount_name"),
  },
  (t) => [
    index("idx_download_torrents_stage").on(t.stage),
    index("idx_download_torrents_category").on(t.category),
  ],
);

/** One row per selected file of a torrent: what aria2c downloads. */
export const downloadFiles = sqliteTable(
  "download_files",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    hash: text("hash")
      .notNull()
      .references(() => downloadTorrents.hash, { onDelete: "cascade" }),
    /** The provider's file id. */
    file_index: integer("file_index").notNull(),
    /** Path inside the torrent's root, sanitised, `/`-separated. */
    path: text("path").notNull(),
    size: integer("size").notNull(),
    /** The provider's restricted link (unrestricted again before every start). */
    link: text("link").notNull(),
    /** aria2 GID (16 hex), fixed for the file's whole life so a restarted aria2c can take it back. */
    gid: text("gid").notNull(),
    status: text("status", { enum: FILE_STATUSES }).notNull().default("pending"),
    completed: integer("completed").notNull().default(0),
    speed: integer("speed").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
  },
  (t) => [
    uniqueIndex("uq_download_files_hash_index").on(t.hash, t.file_index),
    uniqueIndex("uq_download_files_gid").on(t.gid),
    index("idx_download_files_status").on(t.status),
  ],
);

/** qBittorrent categories: name → save path ("" = DOWNLOAD_DIR/<name>). */
export const downloadCategories = sqliteTable("download_categories", {
  name: text("name").primaryKey(),
  save_path: text("save_path").notNull().default(""),
});

export const downloadTags = sqliteTable("download_tags", {
  name: text("name").primaryKey(),
});
