ALTER TABLE `torrents` ADD `details_error` text;--> statement-breakpoint
ALTER TABLE `torrents` ADD `details_error_at` integer;