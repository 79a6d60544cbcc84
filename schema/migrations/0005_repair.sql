CREATE TABLE `repair_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`candidate_id` integer NOT NULL,
	`torrent_id` text NOT NULL,
	`hash` text,
	`action` text NOT NULL,
	`trigger` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`failure` text,
	`error` text,
	`error_code` text,
	`response_ms` integer DEFAULT 0 NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`new_torrent_id` text,
	`detail` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`candidate_id`) REFERENCES `repair_candidates`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_repair_attempts_candidate` ON `repair_attempts` (`candidate_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `idx_repair_attempts_torrent` ON `repair_attempts` (`torrent_id`);--> statement-breakpoint
CREATE INDEX `idx_repair_attempts_started` ON `repair_attempts` (`started_at`);--> statement-breakpoint
CREATE TABLE `repair_candidates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`provider` text DEFAULT 'realdebrid' NOT NULL,
	`torrent_id` text NOT NULL,
	`hash` text,
	`filename` text DEFAULT '' NOT NULL,
	`reason` text NOT NULL,
	`status_seen` text,
	`detail` text DEFAULT '{}' NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`due_at` integer,
	`failure` text,
	`last_error` text,
	`new_torrent_id` text,
	`found_at` integer NOT NULL,
	`seen_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_repair_candidates_torrent` ON `repair_candidates` (`provider`,`torrent_id`);--> statement-breakpoint
CREATE INDEX `idx_repair_candidates_state` ON `repair_candidates` (`state`,`priority`,`found_at`);--> statement-breakpoint
CREATE INDEX `idx_repair_candidates_due` ON `repair_candidates` (`state`,`due_at`);--> statement-breakpoint
CREATE INDEX `idx_repair_candidates_new` ON `repair_candidates` (`new_torrent_id`);--> statement-breakpoint
CREATE TABLE `repair_link_checks` (
	`torrent_id` text PRIMARY KEY NOT NULL,
	`provider` text DEFAULT 'realdebrid' NOT NULL,
	`checked_at` integer NOT NULL,
	`ok` integer NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE TABLE `repair_scans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mode` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`status` text NOT NULL,
	`torrents_listed` integer DEFAULT 0 NOT NULL,
	`checked` integer DEFAULT 0 NOT NULL,
	`found` integer DEFAULT 0 NOT NULL,
	`new_candidates` integer DEFAULT 0 NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `idx_repair_scans_started` ON `repair_scans` (`started_at`);--> statement-breakpoint
CREATE TABLE `repair_torrent_renames` (
	`old_id` text PRIMARY KEY NOT NULL,
	`new_id` text NOT NULL,
	`provider` text DEFAULT 'realdebrid' NOT NULL,
	`renamed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_repair_renames_new` ON `repair_torrent_renames` (`new_id`);