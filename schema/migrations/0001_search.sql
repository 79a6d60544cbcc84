-- Full-text search over torrent names and file paths. Keyed by torrents.seq (an explicit
-- INTEGER PRIMARY KEY, stable across VACUUM). Names follow torrents.filename through triggers;
-- paths are rewritten by the library repository whenever a torrent's file list is replaced.
CREATE VIRTUAL TABLE `torrent_search` USING fts5(name, paths, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `torrents_search_insert` AFTER INSERT ON `torrents` BEGIN
  INSERT INTO torrent_search(rowid, name, paths) VALUES (new.seq, new.filename, '');
END;
--> statement-breakpoint
CREATE TRIGGER `torrents_search_rename` AFTER UPDATE OF filename ON `torrents` WHEN old.filename IS NOT new.filename BEGIN
  UPDATE torrent_search SET name = new.filename WHERE rowid = new.seq;
END;
--> statement-breakpoint
CREATE TRIGGER `torrents_search_delete` AFTER DELETE ON `torrents` BEGIN
  DELETE FROM torrent_search WHERE rowid = old.seq;
END;
