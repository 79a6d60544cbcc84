CREATE TABLE `download_categories` (
	`name` text PRIMARY KEY NOT NULL,
	`save_path` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `download_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`hash` text NOT NULL,
	`file_index` integer NOT NULL,
	`path` text NOT NULL,
	`size` integer NOT NULL,
	`link` text NOT NULL,
	`gid` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`completed` integer DEFAULT 0 NOT NULL,
	`speed` integer DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	FOREIGN KEY (`hash`) REFERENCES `download_torrents`(`hash`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_download_files_hash_index` ON `download_files` (`hash`,`file_index`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_download_files_gid` ON `download_files` (`gid`);--> statement-breakpoint
CREATE INDEX `idx_download_files_status` ON `download_files` (`status`);--> statement-breakpoint
CREATE TABLE `download_tags` (
	`name` text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `download_torrents` (
	`hash` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`source_kind` text NOT NULL,
	`magnet` text,
	`torrent_file` blob,
	`category` text DEFAULT '' NOT NULL,
	`save_path` text NOT NULL,
	`tags` text DEFAULT '' NOT NULL,
	`stage` text NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`blocked` text,
	`force_start` integer DEFAULT false NOT NULL,
	`queue_order` real NOT NULL,
	`provider` text,
	`provider_id` text,
	`providers_tried` text DEFAULT '' NOT NULL,
	`provider_status` text,
	`provider_progress` real DEFAULT 0 NOT NULL,
	`provider_speed` integer DEFAULT 0 NOT NULL,
	`size` integer DEFAULT 0 NOT NULL,
	`downloaded` integer DEFAULT 0 NOT NULL,
	`speed` integer DEFAULT 0 NOT NULL,
	`error` text,
	`message` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer DEFAULT 0 NOT NULL,
	`root_name` text,
	`content_path` text,
	`delete_files` integer DEFAULT false NOT NULL,
	`ratio_limit` real DEFAULT -2 NOT NULL,
	`seeding_time_limit` integer DEFAULT -2 NOT NULL,
	`inactive_seeding_time_limit` integer DEFAULT -2 NOT NULL,
	`added_on` integer NOT NULL,
	`completion_on` integer,
	`last_activity` integer NOT NULL,
	`progress_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_download_torrents_stage` ON `download_torrents` (`stage`);--> statement-breakpoint
CREATE INDEX `idx_download_torrents_category` ON `download_torrents` (`category`);