import { getTorrent, updateTorrent } from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { FINAL_STAGE } from "../../domain/download-stage.ts";
import { parseTorrentFile } from "../../domain/torrent-file.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../errors.ts";
import { notifyChanged } from "./events.ts";

/** qBittorrent's file priorities: 0 do not download, 1 normal, 6 high, 7 maximal. */
const PRIORITIES = new Set([0, 1, 6, 7]);
/** Provider states in which the files have not been chosen yet. */
const BEFORE_SELECTION = new Set([null, "magnet_conversion", "waiting_files_selection"]);

export function skippedFiles(t: { skipped_files: string }): Set<number> {
  return new Set(
    t.skipped_files
      .split(",")
      .filter((s) => s !== "")
      .map(Number),
  );
}

/**
 * torrents/filePrio mapped onto the debrid service's file selection: priority 0 leaves a file out,
 * any other keeps it. Only for a .torrent (its files are known) and only until Redriva has chosen
 * the files at the provider; after that the answer is an honest 409.
 */
export function setFilePriority(deps: Deps, hash: string, ids: string[], priority: string): void {
  const prio = Number(priority);
  if (!Number.isInteger(prio) || !PRIORITIES.has(prio)) throw new ValidationError("Priority is not valid");
  const indexes = ids.map((id) => Number(id));
  if (indexes.some((i) => !Number.isInteger(i) || i < 0))
    throw new ValidationError("File IDs must be integers");
  const row = getTorrent(deps.dbh.db, hash.trim().toLowerCase());
  if (!row || row.stage === FINAL_STAGE) throw new NotFoundError("torrent", hash);
  const meta = row.torrent_file ? parseTorrentFile(row.torrent_file) : null;
  if (!meta) throw new ConflictError("Torrent's metadata has not yet downloaded");
  const missing = indexes.find((i) => i >= meta.files.length);
  if (missing !== undefined) throw new ConflictError(`File ID is not valid: ${missing}`);
  const chosen = !(
    row.stage === "queued" ||
    (row.stage === "provider" && BEFORE_SELECTION.has(row.provider_status))
  );
  if (chosen)
    throw new ConflictError(
      "Redriva already chose this torrent's files at the debrid service; file priorities can no longer change",
    );
  const skipped = skippedFiles(row);
  for (const i of indexes) {
    if (prio === 0) skipped.add(i);
    else skipped.delete(i);
  }
  if (skipped.size === meta.files.length) throw new ConflictError("At least one file must stay selected");
  updateTorrent(deps.dbh.db, row.hash, { skipped_files: [...skipped].sort((a, b) => a - b).join(",") });
  notifyChanged(deps);
}
