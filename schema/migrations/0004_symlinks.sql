CREATE TABLE `symlink_problems` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`scan_id` integer NOT NULL,
	`path` text NOT NULL,
	`type` text NOT NULL,
	`kind` text NOT NULL,
	`target` text,
	`size` integer,
	`detail` text,
	`deleted_at` integer,
	`delete_error` text,
	FOREIGN KEY (`scan_id`) REFERENCES `symlink_scans`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_symlink_problems_scan` ON `symlink_problems` (`scan_id`,`type`);--> statement-breakpoint
CREATE TABLE `symlink_scans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`mode` text NOT NULL,
	`depth` text NOT NULL,
	`paths` text DEFAULT '[]' NOT NULL,
	`root` text NOT NULL,
	`status` text NOT NULL,
	`phase` text DEFAULT 'walk' NOT NULL,
	`pid` integer,
	`options` text DEFAULT '{}' NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`phase1_checked` integer DEFAULT 0 NOT NULL,
	`phase1_ok` integer DEFAULT 0 NOT NULL,
	`phase1_broken` integer DEFAULT 0 NOT NULL,
	`phase1_inaccessible` integer DEFAULT 0 NOT NULL,
	`phase1_empty` integer DEFAULT 0 NOT NULL,
	`phase1_io_error` integer DEFAULT 0 NOT NULL,
	`phase2_total` integer DEFAULT 0 NOT NULL,
	`phase2_analyzed` integer DEFAULT 0 NOT NULL,
	`phase2_corrupt` integer DEFAULT 0 NOT NULL,
	`phase2_timeout` integer DEFAULT 0 NOT NULL,
	`phase2_estimate_ms` integer,
	`probe_avg_ms` integer,
	`deleted` integer DEFAULT 0 NOT NULL,
	`delete_failed` integer DEFAULT 0 NOT NULL,
	`rescans` integer DEFAULT 0 NOT NULL,
	`duration_ms` integer,
	`error` text,
	`report_path` text
);
--> statement-breakpoint
CREATE INDEX `idx_symlink_scans_started` ON `symlink_scans` (`started_at`);