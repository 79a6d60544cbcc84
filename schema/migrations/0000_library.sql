CREATE TABLE `library_snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`taken_at` integer NOT NULL,
	`torrents` integer NOT NULL,
	`bytes` integer NOT NULL,
	`by_status` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sync_run_items` (
	`run_id` integer NOT NULL,
	`torrent_id` text NOT NULL,
	`reason` text NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	PRIMARY KEY(`run_id`, `torrent_id`),
	FOREIGN KEY (`run_id`) REFERENCES `sync_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_sync_items_state` ON `sync_run_items` (`run_id`,`state`,`priority`);--> statement-breakpoint
CREATE TABLE `sync_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mode` text NOT NULL,
	`status` text NOT NULL,
	`options` text DEFAULT '{}' NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`pid` integer,
	`list_requests` integer DEFAULT 0 NOT NULL,
	`detail_requests` integer DEFAULT 0 NOT NULL,
	`total_requests` integer DEFAULT 0 NOT NULL,
	`rate_limited` integer DEFAULT 0 NOT NULL,
	`torrents_seen` integer DEFAULT 0 NOT NULL,
	`added` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`removed` integer DEFAULT 0 NOT NULL,
	`details_planned` integer DEFAULT 0 NOT NULL,
	`details_done` integer DEFAULT 0 NOT NULL,
	`details_failed` integer DEFAULT 0 NOT NULL,
	`resumed_from` integer,
	`error` text,
	`summary` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_sync_runs_started` ON `sync_runs` (`started_at`);--> statement-breakpoint
CREATE TABLE `torrent_details` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`original_filename` text,
	`status` text NOT NULL,
	`size` integer DEFAULT 0 NOT NULL,
	`original_bytes` integer,
	`files_count` integer DEFAULT 0 NOT NULL,
	`progress` real DEFAULT 0 NOT NULL,
	`links` text DEFAULT '' NOT NULL,
	`hash` text,
	`host` text,
	`error` text,
	`added_on` text,
	`ended_on` text,
	`speed` integer,
	`seeders` integer,
	`fetched_at` integer NOT NULL,
	FOREIGN KEY (`id`) REFERENCES `torrents`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_details_status` ON `torrent_details` (`status`);--> statement-breakpoint
CREATE INDEX `idx_details_fetched` ON `torrent_details` (`fetched_at`);--> statement-breakpoint
CREATE TABLE `torrent_files` (
	`torrent_id` text NOT NULL,
	`file_id` integer NOT NULL,
	`path` text NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	`selected` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`torrent_id`, `file_id`),
	FOREIGN KEY (`torrent_id`) REFERENCES `torrents`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_files_path` ON `torrent_files` (`path`);--> statement-breakpoint
CREATE TABLE `torrents` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`provider` text DEFAULT 'realdebrid' NOT NULL,
	`filename` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	`added_on` text,
	`ended_on` text,
	`hash` text,
	`host` text,
	`split` integer,
	`progress` real DEFAULT 0 NOT NULL,
	`speed` integer,
	`seeders` integer,
	`links` text DEFAULT '[]' NOT NULL,
	`links_count` integer DEFAULT 0 NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`changed_at` integer NOT NULL,
	`removed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `torrents_id_unique` ON `torrents` (`id`);--> statement-breakpoint
CREATE INDEX `idx_torrents_status` ON `torrents` (`status`);--> statement-breakpoint
CREATE INDEX `idx_torrents_added` ON `torrents` (`added_on`);--> statement-breakpoint
CREATE INDEX `idx_torrents_bytes` ON `torrents` (`bytes`);--> statement-breakpoint
CREATE INDEX `idx_torrents_filename` ON `torrents` (`filename`);--> statement-breakpoint
CREATE INDEX `idx_torrents_removed` ON `torrents` (`removed_at`);--> statement-breakpoint
CREATE INDEX `idx_torrents_hash` ON `torrents` (`hash`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
