-- The list's status chips, provider filter and the dashboard's totals come from one walk of this
-- covering index (liveTally in src/db/repo/torrent-queries.ts): counts per provider had no index
-- and read the whole table (190 ms over 100,000 torrents) on the first page after each change.
-- removed_at is always null here, but naming it makes the index covering for queries that say so.
CREATE INDEX `ui_live_counts` ON `torrents` (`provider`, `status`, `bytes`, `details_files_count`, `removed_at`) WHERE `removed_at` IS NULL;
