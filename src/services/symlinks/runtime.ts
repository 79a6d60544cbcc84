import type { ScanProgress } from "./progress.ts";

/**
 * What the symlink checker holds in memory for the life of the process, built once by
 * `createDeps` (deps.symlinks) and passed down: two `Deps` never share it.
 */
export interface SymlinkRuntime {
  /** Scans (and deletions) running in this process, by scan id. */
  scans: Map<number, ActiveScan>;
  /** Folder trees of the scan picker, by real media root, recomputed after a minute. */
  trees: Map<string, { at: number; promise: Promise<TreeSnapshot> }>;
}

export function createSymlinkRuntime(): SymlinkRuntime {
  return { scans: new Map(), trees: new Map() };
}

/** A scan (or its deletion step) running in this process. */
export interface ActiveScan {
  scanId: number;
  controller: AbortController;
  progress: ScanProgress;
  /** Settles when the work ends (never rejects). */
  done: Promise<void>;
  /** When its progress was last shared on the bus and in its row (publishProgress). */
  published: { bus: number; db: number };
}

/** The folder counts under one media root, as listed at `computedAt`. */
export interface TreeSnapshot {
  root: string;
  computedAt: number;
  folders: Map<string, FolderCounts>;
  unreadable: number;
}

export interface FolderCounts {
  symlinks: number;
  mediaFiles: number;
  subdirs: string[];
}
