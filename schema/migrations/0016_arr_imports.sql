CREATE TABLE `download_imports` (
	`hash` text PRIMARY KEY NOT NULL,
	`arr_instance` text NOT NULL,
	`imported_at` integer NOT NULL,
	`source_title` text,
	`provider_removed_at` integer,
	`provider_removal_error` text,
	FOREIGN KEY (`hash`) REFERENCES `download_torrents`(`hash`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_download_imports_removed` ON `download_imports` (`provider_removed_at`);