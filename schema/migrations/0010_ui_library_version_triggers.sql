-- Keeps ui_library_version.version moving with every change the web UI shows (see schema/ui.ts).
-- The UPDATE trigger's WHEN clause makes the sync's "seen again, nothing changed" upserts free.
INSERT OR IGNORE INTO `ui_library_version` (`id`, `version`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `ui_version_torrent_insert` AFTER INSERT ON `torrents` BEGIN
  UPDATE ui_library_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ui_version_torrent_update` AFTER UPDATE ON `torrents`
WHEN old.status IS NOT new.status OR old.bytes IS NOT new.bytes OR old.filename IS NOT new.filename
  OR old.progress IS NOT new.progress OR old.added_on IS NOT new.added_on OR old.removed_at IS NOT new.removed_at
  OR old.links_count IS NOT new.links_count OR old.host IS NOT new.host OR old.id IS NOT new.id
BEGIN
  UPDATE ui_library_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ui_version_torrent_delete` AFTER DELETE ON `torrents` BEGIN
  UPDATE ui_library_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ui_version_details_insert` AFTER INSERT ON `torrent_details` BEGIN
  UPDATE ui_library_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `ui_version_details_delete` AFTER DELETE ON `torrent_details` BEGIN
  UPDATE ui_library_version SET version = version + 1 WHERE id = 1;
END;
--> statement-breakpoint
-- Search paths (the FTS table cannot carry triggers) are rewritten with the details, in the same
-- transaction as this update.
CREATE TRIGGER `ui_version_details_update` AFTER UPDATE ON `torrent_details` BEGIN
  UPDATE ui_library_version SET version = version + 1 WHERE id = 1;
END;
