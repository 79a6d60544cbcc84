import type { DownloadTorrentRow } from "../../../db/repo/downloads.ts";
import type { Deps } from "../../../deps.ts";
import { formatBytes } from "../../../lib/format.ts";
import type { DownloadEngine } from "../engine.ts";
import { existingAncestor } from "./disks.ts";

/**
 * SSD staging: before a download starts on the staging disk, the final disk must have room for
 * the whole torrent too (plus DOWNLOAD_MIN_FREE_SPACE), or it would finish only to wait there.
 * Null when it has room, or when both folders are on one disk; else why it waits.
 */
export async function finalDiskShortage(
  deps: Deps,
  engine: DownloadEngine,
  torrent: Pick<DownloadTorrentRow, "save_path" | "size">,
): Promise<string | null> {
  const { incompleteDir, minFreeSpace } = deps.config.downloads;
  const { disks } = engine.staging;
  if (disks.deviceOf(incompleteDir) === disks.deviceOf(torrent.save_path)) return null;
  const space = await engine.space(existingAncestor(torrent.save_path));
  const need = torrent.size + minFreeSpace;
  if (space.free >= need) return null;
  return `Waiting for disk space on the final disk: ${formatBytes(space.free)} free in ${torrent.save_path}, this torrent needs ${formatBytes(need)} there (its size + DOWNLOAD_MIN_FREE_SPACE)`;
}
