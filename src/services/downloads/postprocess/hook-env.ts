import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { DownloadTorrentRow } from "../../../db/repo/downloads.ts";

/** From Redriva's own environment, only what a program needs to run: never a token or password. */
const PASSED_THROUGH = ["PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR"];

/**
 * The environment of the DOWNLOAD_ON_COMPLETE command: the torrent's details as variables (the
 * names come from strangers: they are values, never parsed by a shell). The qBittorrent and
 * rdt-client placeholders they stand for are in the README.
 */
export function hookEnvironment(
  torrent: DownloadTorrentRow,
  options: {
    base?: Record<string, string | undefined>;
    /** Symlink mode: counted from the rows (the links are not followed into the mount). */
    counts?: { files: number; bytes: number };
  } = {},
): Record<string, string> {
  const base = options.base ?? process.env;
  const contentPath = torrent.content_path ?? join(torrent.save_path, torrent.root_name ?? torrent.name);
  const { files, bytes } = options.counts ?? countFiles(contentPath);
  const env: Record<string, string> = {};
  for (const key of PASSED_THROUGH) {
    const value = base[key];
    if (value !== undefined) env[key] = value;
  }
  return {
    ...env,
    REDRIVA_NAME: torrent.name,
    REDRIVA_HASH: torrent.hash,
    REDRIVA_CATEGORY: torrent.category,
    REDRIVA_TAGS: torrent.tags,
    REDRIVA_CONTENT_PATH: contentPath,
    REDRIVA_SAVE_PATH: torrent.save_path,
    REDRIVA_FILE_COUNT: String(files),
    REDRIVA_SIZE: String(bytes),
    REDRIVA_PROVIDER: torrent.provider ?? "",
  };
}

/** Files under `path` (or 1 for a file) and their bytes, links not followed. */
function countFiles(path: string): { files: number; bytes: number } {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return { files: 0, bytes: 0 };
  if (!stat.isDirectory()) return { files: 1, bytes: stat.size };
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const inner = countFiles(join(path, entry.name));
    files += inner.files;
    bytes += inner.bytes;
  }
  return { files, bytes };
}
