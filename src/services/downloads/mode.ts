import { join, relative } from "node:path";
import type { DownloadMode } from "../../config/sections/download-mode.ts";
import type { DownloadsConfig } from "../../config/sections/downloads.ts";

/** DOWNLOAD_CATEGORY_MODES for the category, else DOWNLOAD_MODE. */
export function downloadModeOf(config: DownloadsConfig, category: string): DownloadMode {
  return config.linking.categoryModes[category] ?? config.linking.defaultMode;
}

/**
 * True when the torrent's files are linked from the mount instead of downloaded. A file host
 * link is never in the provider's mount (no torrent): it is downloaded whatever the mode.
 */
export function isSymlinkMode(
  config: DownloadsConfig,
  torrent: { category: string; source_kind?: string },
): boolean {
  if (torrent.source_kind === "link") return false;
  return downloadModeOf(config, torrent.category) === "symlink";
}

/** The mount of a provider's library in Redriva's filesystem (SYMLINK_MOUNT_PATHS, then SYMLINK_MOUNT_PATH). */
export function mountPathFor(config: DownloadsConfig, provider: string | null): string | undefined {
  const own = provider ? config.linking.mountPaths[provider] : undefined;
  return own ?? config.linking.mountPath;
}

/**
 * The text a link holds: the target as the *arr and Plex see it (SYMLINK_PATH_MAPPINGS, longest
 * prefix first), or the target itself when no mapping applies.
 */
export function linkTextFor(config: DownloadsConfig, target: string): string {
  for (const { from, to } of config.linking.pathMappings) {
    if (target === from) return to;
    const rest = relative(from, target);
    if (rest !== "" && !rest.startsWith("..") && !rest.startsWith("/")) return join(to, rest);
  }
  return target;
}
