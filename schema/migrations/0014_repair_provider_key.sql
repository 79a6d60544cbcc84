-- Repair rows are identified by (provider, torrent id), like the library since 0012: ids may
-- collide across providers. repair_attempts gains a provider column, taken from its candidate
-- (every attempt has one; 'realdebrid' otherwise). repair_torrent_renames and repair_link_checks
-- already had a provider column: they are rebuilt around (provider, id) keys, every column kept.
-- Nothing references these two tables, so they are rebuilt inside the migrator's transaction.
DROP INDEX `idx_repair_attempts_torrent`;--> statement-breakpoint
ALTER TABLE `repair_attempts` ADD `provider` text DEFAULT 'realdebrid' NOT NULL;--> statement-breakpoint
UPDATE `repair_attempts` SET `provider` = COALESCE(
  (SELECT c.`provider` FROM `repair_candidates` c WHERE c.`id` = `repair_attempts`.`candidate_id`),
  'realdebrid');--> statement-breakpoint
CREATE INDEX `idx_repair_attempts_torrent` ON `repair_attempts` (`provider`,`torrent_id`);--> statement-breakpoint
CREATE TABLE `__new_repair_torrent_renames` (
	`provider` text DEFAULT 'realdebrid' NOT NULL,
	`old_id` text NOT NULL,
	`new_id` text NOT NULL,
	`renamed_at` integer NOT NULL,
	PRIMARY KEY(`provider`, `old_id`)
);
--> statement-breakpoint
INSERT INTO `__new_repair_torrent_renames`("provider", "old_id", "new_id", "renamed_at") SELECT "provider", "old_id", "new_id", "renamed_at" FROM `repair_torrent_renames`;--> statement-breakpoint
DROP TABLE `repair_torrent_renames`;--> statement-breakpoint
ALTER TABLE `__new_repair_torrent_renames` RENAME TO `repair_torrent_renames`;--> statement-breakpoint
CREATE INDEX `idx_repair_renames_new` ON `repair_torrent_renames` (`provider`,`new_id`);--> statement-breakpoint
CREATE TABLE `__new_repair_link_checks` (
	`provider` text DEFAULT 'realdebrid' NOT NULL,
	`torrent_id` text NOT NULL,
	`checked_at` integer NOT NULL,
	`ok` integer NOT NULL,
	`error` text,
	PRIMARY KEY(`provider`, `torrent_id`)
);
--> statement-breakpoint
INSERT INTO `__new_repair_link_checks`("provider", "torrent_id", "checked_at", "ok", "error") SELECT "provider", "torrent_id", "checked_at", "ok", "error" FROM `repair_link_checks`;--> statement-breakpoint
DROP TABLE `repair_link_checks`;--> statement-breakpoint
ALTER TABLE `__new_repair_link_checks` RENAME TO `repair_link_checks`;
