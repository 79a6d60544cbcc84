-- A torrent is identified by (provider, id): AllDebrid's ids may collide with Real-Debrid's.
-- Every existing row keeps the provider it has (Real-Debrid: the only one synced until now).
-- torrents keeps its table (and so its seq, the full-text index's rowid); only its unique index
-- changes, to (id, provider) so that `WHERE id = ?` in users' SQL still uses an index.
-- torrent_details and torrent_files gain a provider column and are rebuilt around it; every
-- original column keeps its name. Runs inside the migrator's transaction with foreign keys on.
CREATE UNIQUE INDEX `torrents_id_provider_unique` ON `torrents` (`id`,`provider`);
--> statement-breakpoint
CREATE TABLE `__new_torrent_details` (
	`provider` text DEFAULT 'realdebrid' NOT NULL,
	`id` text NOT NULL,
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
	PRIMARY KEY(`provider`, `id`),
	FOREIGN KEY (`provider`,`id`) REFERENCES `torrents`(`provider`,`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_torrent_details` (`provider`, `id`, `name`, `original_filename`, `status`, `size`,
  `original_bytes`, `files_count`, `progress`, `links`, `hash`, `host`, `error`, `added_on`, `ended_on`,
  `speed`, `seeders`, `fetched_at`)
SELECT t.`provider`, d.`id`, d.`name`, d.`original_filename`, d.`status`, d.`size`, d.`original_bytes`,
  d.`files_count`, d.`progress`, d.`links`, d.`hash`, d.`host`, d.`error`, d.`added_on`, d.`ended_on`,
  d.`speed`, d.`seeders`, d.`fetched_at`
FROM `torrent_details` d JOIN `torrents` t ON t.`id` = d.`id`;
--> statement-breakpoint
DROP TABLE `torrent_details`;
--> statement-breakpoint
ALTER TABLE `__new_torrent_details` RENAME TO `torrent_details`;
--> statement-breakpoint
CREATE INDEX `idx_details_status` ON `torrent_details` (`status`);
--> statement-breakpoint
CREATE INDEX `idx_details_fetched` ON `torrent_details` (`fetched_at`);
--> statement-breakpoint
CREATE TABLE `__new_torrent_files` (
	`provider` text DEFAULT 'realdebrid' NOT NULL,
	`torrent_id` text NOT NULL,
	`file_id` integer NOT NULL,
	`path` text NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	`selected` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`provider`, `torrent_id`, `file_id`),
	FOREIGN KEY (`provider`,`torrent_id`) REFERENCES `torrents`(`provider`,`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_torrent_files` (`provider`, `torrent_id`, `file_id`, `path`, `bytes`, `selected`)
SELECT t.`provider`, f.`torrent_id`, f.`file_id`, f.`path`, f.`bytes`, f.`selected`
FROM `torrent_files` f JOIN `torrents` t ON t.`id` = f.`torrent_id`;
--> statement-breakpoint
DROP TABLE `torrent_files`;
--> statement-breakpoint
ALTER TABLE `__new_torrent_files` RENAME TO `torrent_files`;
--> statement-breakpoint
CREATE INDEX `idx_files_path` ON `torrent_files` (`path`);
--> statement-breakpoint
DROP INDEX `torrents_id_unique`;
--> statement-breakpoint
-- Dropping torrent_details dropped its triggers (migration 0010): the same ones again.
CREATE TRIGGER `ui_version_details_insert` AFTER INSERT ON `torrent_details` BEGIN
  UPDATE ui_library_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ui_version_details_delete` AFTER DELETE ON `torrent_details` BEGIN
  UPDATE ui_library_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ui_version_details_update` AFTER UPDATE ON `torrent_details` BEGIN
  UPDATE ui_library_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
ALTER TABLE `sync_runs` ADD `provider` text DEFAULT 'realdebrid' NOT NULL;
