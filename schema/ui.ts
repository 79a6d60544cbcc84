import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Web UI login sessions. The cookie holds a random token; only its SHA-256 is stored, so a
 * copy of the database does not hand out live sessions. Rows survive restarts (nobody is logged
 * out by an update) and logout deletes the row.
 */
export const webSessions = sqliteTable(
  "web_sessions",
  {
    token_hash: text("token_hash").primaryKey(),
    username: text("username").notNull(),
    /** Sent back in forms and the X-CSRF-Token header for every state-changing request. */
    csrf_token: text("csrf_token").notNull(),
    created_at: integer("created_at").notNull(),
    last_seen_at: integer("last_seen_at").notNull(),
    expires_at: integer("expires_at").notNull(),
  },
  (t) => [index("idx_web_sessions_expires").on(t.expires_at)],
);

/**
 * One row whose `version` moves whenever a torrent row changes in a way the UI shows (status,
 * size, name, progress, dates, removal) or details appear/disappear; kept by triggers (migration
 * 0010_ui_library_version). List and count caches compare it in O(1) on every request instead of
 * recounting 100,000 rows, and writes elsewhere (jobs, downloads) do not invalidate them.
 */
export const uiLibraryVersion = sqliteTable("ui_library_version", {
  id: integer("id").primaryKey(),
  version: integer("version").notNull().default(0),
});
