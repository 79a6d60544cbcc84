CREATE TABLE `job_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job` text NOT NULL,
	`trigger` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`status` text NOT NULL,
	`counts` text DEFAULT '{}' NOT NULL,
	`progress` text,
	`error` text,
	`log` text DEFAULT '' NOT NULL,
	`report_path` text,
	`pid` integer
);
--> statement-breakpoint
CREATE INDEX `idx_job_runs_job_started` ON `job_runs` (`job`,`started_at`);--> statement-breakpoint
CREATE INDEX `idx_job_runs_started` ON `job_runs` (`started_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_job_runs_running` ON `job_runs` (`job`) WHERE status = 'running';--> statement-breakpoint
CREATE TABLE `metric_samples` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`labels` text DEFAULT '{}' NOT NULL,
	`at` integer NOT NULL,
	`value` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_metric_samples_name_at` ON `metric_samples` (`name`,`at`);--> statement-breakpoint
CREATE INDEX `idx_metric_samples_at` ON `metric_samples` (`at`);