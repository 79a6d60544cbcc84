-- Single-column indexes from 0000, superseded by the partial ui_live_* indexes (0008, 0022) and
-- idx_torrents_presence (0011): no query plan uses them any more, and each was one more B-tree that
-- every torrent written by a sync had to update (100,000-torrent `sync torrents`: 48 s -> 29-36 s).
DROP INDEX `idx_torrents_status`;--> statement-breakpoint
DROP INDEX `idx_torrents_added`;--> statement-breakpoint
DROP INDEX `idx_torrents_bytes`;--> statement-breakpoint
DROP INDEX `idx_torrents_filename`;--> statement-breakpoint
DROP INDEX `idx_torrents_removed`;