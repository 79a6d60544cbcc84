-- Web UI list pages (issue 3): one partial index per sort order, over the torrents still present
-- at the provider (removed_at IS NULL), each ending in seq so that ties keep a stable order and
-- page N and N+1 never overlap. The status-prefixed ones serve a status filter with any sort,
-- and a group of statuses (active, failed) as a merge of index-ordered arms. Queries name them
-- with INDEXED BY: the planner otherwise prefers the older full indexes and then reads the whole
-- table to check removed_at (220 ms instead of 4 ms for a deep page over 100,000 torrents).
CREATE INDEX `ui_live_added` ON `torrents` (`added_on`, `seq`) WHERE `removed_at` IS NULL;
--> statement-breakpoint
CREATE INDEX `ui_live_bytes` ON `torrents` (`bytes`, `seq`) WHERE `removed_at` IS NULL;
--> statement-breakpoint
CREATE INDEX `ui_live_name` ON `torrents` (`filename` COLLATE NOCASE, `seq`) WHERE `removed_at` IS NULL;
--> statement-breakpoint
CREATE INDEX `ui_live_progress` ON `torrents` (`progress`, `seq`) WHERE `removed_at` IS NULL;
--> statement-breakpoint
CREATE INDEX `ui_live_status_added` ON `torrents` (`status`, `added_on`, `seq`) WHERE `removed_at` IS NULL;
--> statement-breakpoint
CREATE INDEX `ui_live_status_bytes` ON `torrents` (`status`, `bytes`, `seq`) WHERE `removed_at` IS NULL;
--> statement-breakpoint
CREATE INDEX `ui_live_status_name` ON `torrents` (`status`, `filename` COLLATE NOCASE, `seq`) WHERE `removed_at` IS NULL;
--> statement-breakpoint
CREATE INDEX `ui_live_status_progress` ON `torrents` (`status`, `progress`, `seq`) WHERE `removed_at` IS NULL;
--> statement-breakpoint
CREATE INDEX `ui_removed` ON `torrents` (`removed_at`, `seq`) WHERE `removed_at` IS NOT NULL;
