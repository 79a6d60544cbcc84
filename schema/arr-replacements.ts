import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { GRAB_FAILURE_REASONS } from "../src/domain/grab-failure.ts";

/**
 * What a replacement attempt ended as:
 * - replaced: removed from the *arr's queue with blocklist (and a new search unless ARR_NEVER_SEARCH);
 * - planned: dry run, the removal that would have been sent;
 * - not_in_queue: no *arr had the download id in its queue (retried a few times, see next_try_at);
 * - no_arr: no Sonarr/Radarr is configured for its category;
 * - capped: the title already had ARR_MAX_REPLACEMENTS replacements: left to a person;
 * - failed: the *arr answered with an error (retried a few times, see next_try_at).
 */
export const ARR_REPLACE_OUTCOMES = [
  "replaced",
  "planned",
  "not_in_queue",
  "no_arr",
  "capped",
  "failed",
] as const;

/**
 * One row per failed grab Redriva tried to replace through Sonarr/Radarr (issue 18). Keyed by the
 * failure (hash + failed_at, and dry run apart), so a failure is acted on at most once. The row
 * outlives the torrent: the *arr deletes the torrent when it removes it from its queue.
 */
export const arrReplacements = sqliteTable(
  "arr_replacements",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    hash: text("hash").notNull(),
    name: text("name").notNull(),
    category: text("category").notNull().default(""),
    reason: text("reason", { enum: GRAB_FAILURE_REASONS }).notNull(),
    /** download_torrents.failed_at of the failure this row answers. */
    failed_at: integer("failed_at").notNull(),
    dry_run: integer("dry_run", { mode: "boolean" }).notNull().default(false),
    outcome: text("outcome", { enum: ARR_REPLACE_OUTCOMES }).notNull(),
    /** sonarr | radarr, and the instance's URL (several instances of one kind). */
    arr_kind: text("arr_kind"),
    arr_url: text("arr_url"),
    queue_id: integer("queue_id"),
    /** The series episodes or movie the grab was for: ARR_MAX_REPLACEMENTS counts per title. */
    title_key: text("title_key"),
    /** The release title as the *arr shows it. */
    title: text("title"),
    error: text("error"),
    tries: integer("tries").notNull().default(1),
    /** When a not_in_queue / failed row is looked at again (null: final). */
    next_try_at: integer("next_try_at"),
    created_at: integer("created_at").notNull(),
    updated_at: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("uq_arr_replacements_failure").on(t.hash, t.failed_at, t.dry_run),
    index("idx_arr_replacements_title").on(t.arr_url, t.title_key, t.outcome),
    index("idx_arr_replacements_created").on(t.created_at),
    index("idx_arr_replacements_retry").on(t.next_try_at),
  ],
);
