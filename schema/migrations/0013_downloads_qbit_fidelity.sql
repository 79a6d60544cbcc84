ALTER TABLE `download_torrents` ADD `trackers` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `download_torrents` ADD `seq_dl` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `download_torrents` ADD `f_l_piece_prio` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `download_torrents` ADD `comment` text;--> statement-breakpoint
ALTER TABLE `download_torrents` ADD `creation_date` integer;--> statement-breakpoint
ALTER TABLE `download_torrents` ADD `skipped_files` text DEFAULT '' NOT NULL;