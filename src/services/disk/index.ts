import { existsSync, statfsSync } from "node:fs";
import { resolve } from "node:path";
import type { Deps } from "../../deps.ts";

export interface DiskSpace {
  path: string;
  freeBytes: number;
  totalBytes: number;
  low: boolean;
}

/**
 * Free space (for an unprivileged user) on the file systems Redriva writes to: DATA_DIR and
 * DISK_SPACE_PATHS. A path that does not exist is skipped.
 */
export function diskSpace(deps: Deps): DiskSpace[] {
  const threshold = deps.config.notifications.diskSpaceLowBytes;
  const paths = [
    ...new Set([deps.config.dataDir, ...deps.config.notifications.diskSpacePaths.map((p) => resolve(p))]),
  ];
  const out: DiskSpace[] = [];
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const stat = statfsSync(path);
    const freeBytes = Number(stat.bavail) * Number(stat.bsize);
    out.push({
      path,
      freeBytes,
      totalBytes: Number(stat.blocks) * Number(stat.bsize),
      low: freeBytes < threshold,
    });
  }
  return out;
}
