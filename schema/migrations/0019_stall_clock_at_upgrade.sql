-- Issue 18: stalled grabs are judged by progress_at, which the provider phase did not move before
-- 0018. A grab already at the provider starts its stall clock at the upgrade, not at its add time
-- (else every grab older than DOWNLOAD_STALLED_AFTER would be removed at its first poll).
UPDATE `download_torrents` SET `progress_at` = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE `stage` = 'provider';
