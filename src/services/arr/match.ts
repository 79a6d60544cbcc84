import type { ArrItem } from "./types.ts";

/**
 * Finds the series/movie a file belongs to. Sonarr/Radarr often run in another container and
 * see the library under another root (/tv/Show vs /mnt/media/tv/Show), so an exact prefix match
 * comes first, then the item's folder name found as a whole segment of the path (the deepest
 * one wins, as folder names are only unique within a root folder).
 */
export function matchItemForPath(items: readonly ArrItem[], filePath: string): ArrItem | undefined {
  const file = normalize(filePath);
  let best: ArrItem | undefined;
  let bestLength = -1;
  for (const item of items) {
    const folder = normalize(item.path);
    if (
      folder.length > 1 &&
      (file === folder || file.startsWith(`${folder}/`)) &&
      folder.length > bestLength
    ) {
      best = item;
      bestLength = folder.length;
    }
  }
  if (best) return best;

  const segments = file.split("/").filter(Boolean);
  // Skip the last segment: it is the file itself, not a folder.
  const folders = segments.slice(0, -1);
  let bestDepth = -1;
  for (const item of items) {
    const name = folderName(item.path);
    if (!name) continue;
    const depth = folders.lastIndexOf(name);
    if (depth > bestDepth) {
      best = item;
      bestDepth = depth;
    }
  }
  return best;
}

function normalize(path: string): string {
  const unified = path.replace(/\\/g, "/").replace(/\/+/g, "/");
  return unified.length > 1 ? unified.replace(/\/$/, "") : unified;
}

function folderName(path: string): string | undefined {
  const parts = normalize(path).split("/").filter(Boolean);
  return parts[parts.length - 1];
}
