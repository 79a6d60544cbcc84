-- Issue 18: failed grabs replaced through Sonarr/Radarr. Why and when a download failed for good, and
-- one row per replacement attempt (at most one per failure, dry runs apart).
CREATE TABLE `arr_replacements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`hash` text NOT NULL,
	`name` text NOT NULL,
	`category` text DEFAULT '' NOT NULL,
	`reason` text NOT NULL,
	`failed_at` integer NOT NULL,
	`dry_run` integer DEFAULT false NOT NULL,
	`outcome` text NOT NULL,
	`arr_kind` text,
	`arr_url` text,
	`queue_id` integer,
	`title_key` text,
	`title` text,
	`error` text,
	`tries` integer DEFAULT 1 NOT NULL,
	`next_try_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_arr_replacements_failure` ON `arr_replacements` (`hash`,`failed_at`,`dry_run`);--> statement-breakpoint
CREATE INDEX `idx_arr_replacements_title` ON `arr_replacements` (`arr_url`,`title_key`,`outcome`);--> statement-breakpoint
CREATE INDEX `idx_arr_replacements_created` ON `arr_replacements` (`created_at`);--> statement-breakpoint
CREATE INDEX `idx_arr_replacements_retry` ON `arr_replacements` (`next_try_at`);--> statement-breakpoint
ALTER TABLE `download_torrents` ADD `fail_reason` text;--> statement-breakpoint
ALTER TABLE `download_torrents` ADD `failed_at` integer;