import type { DownloadsConfig } from "../config/sections/downloads.ts";
import type { StorageType } from "./storage.ts";

/**
 * aria2c options per storage type (README, "aria2 options", says why each one). HDD: few large
 * segments written sequentially, space reserved up front, a disk cache to batch writes. SSD: more
 * connections and smaller segments, no preallocation. Every value can be overridden by ARIA2_*.
 */
export interface Aria2Profile {
  storage: StorageType;
  split: number;
  maxConnectionPerServer: number;
  minSplitSize: number;
  fileAllocation: "none" | "prealloc" | "trunc" | "falloc";
  diskCache: number;
  maxOverallDownloadLimit: number;
  maxTries: number;
  retryWait: number;
  /** Seconds between saves of the .aria2 control files: what a crash can cost. */
  autoSaveInterval: number;
}

const MIB = 1024 ** 2;

const DEFAULTS: Record<StorageType, Aria2Profile> = {
  hdd: {
    storage: "hdd",
    split: 4,
    maxConnectionPerServer: 4,
    minSplitSize: 1024 * MIB,
    fileAllocation: "falloc",
    diskCache: 64 * MIB,
    maxOverallDownloadLimit: 0,
    maxTries: 5,
    retryWait: 3,
    autoSaveInterval: 10,
  },
  ssd: {
    storage: "ssd",
    split: 8,
    maxConnectionPerServer: 8,
    minSplitSize: 64 * MIB,
    fileAllocation: "none",
    diskCache: 16 * MIB,
    maxOverallDownloadLimit: 0,
    maxTries: 5,
    retryWait: 3,
    autoSaveInterval: 10,
  },
};

export function buildProfile(storage: StorageType, config: DownloadsConfig): Aria2Profile {
  const o = config.aria2.overrides;
  const base = DEFAULTS[storage];
  return {
    storage,
    split: o.split ?? base.split,
    maxConnectionPerServer: o.maxConnectionPerServer ?? base.maxConnectionPerServer,
    // aria2 accepts 1 MiB..1 GiB.
    minSplitSize: clamp(o.minSplitSize ?? base.minSplitSize, MIB, 1024 * MIB),
    fileAllocation: o.fileAllocation ?? base.fileAllocation,
    diskCache: o.diskCache ?? base.diskCache,
    maxOverallDownloadLimit: o.maxOverallDownloadLimit ?? base.maxOverallDownloadLimit,
    maxTries: o.maxTries ?? base.maxTries,
    retryWait: o.retryWait ?? base.retryWait,
    autoSaveInterval: o.autoSaveInterval ?? base.autoSaveInterval,
  };
}

/** Command-line options of the aria2c process. */
export function globalOptions(profile: Aria2Profile, maxConcurrent: number): Record<string, string> {
  return {
    // Redriva's queue decides what runs; aria2c's own queue must never be the limit.
    "max-concurrent-downloads": String(maxConcurrent + 2),
    "disk-cache": String(profile.diskCache),
    "file-allocation": profile.fileAllocation,
    "max-overall-download-limit": String(profile.maxOverallDownloadLimit),
    continue: "true",
    "auto-file-renaming": "false",
    "allow-overwrite": "false",
    // An expired debrid link answers 404: fail at once and let Redriva unrestrict it again.
    "max-file-not-found": "1",
    "max-tries": String(profile.maxTries),
    "retry-wait": String(profile.retryWait),
    "connect-timeout": "30",
    timeout: "60",
    // Control files written often: a crash loses at most this much progress.
    "auto-save-interval": String(profile.autoSaveInterval),
    "follow-torrent": "false",
    "follow-metalink": "false",
    "enable-dht": "false",
    "no-netrc": "true",
    "remote-time": "false",
    "content-disposition-default-utf8": "true",
    "max-download-result": "1000",
  };
}

/** Options of one addUri call. */
export function downloadOptions(
  profile: Aria2Profile,
  file: { gid: string; dir: string; out: string; chunks: number | null },
): Record<string, string> {
  // The debrid host says how many connections it allows per file ("chunks"): never more.
  const connections = file.chunks && file.chunks > 0 ? Math.min(profile.split, file.chunks) : profile.split;
  return {
    gid: file.gid,
    dir: file.dir,
    out: file.out,
    split: String(connections),
    "max-connection-per-server": String(Math.min(profile.maxConnectionPerServer, connections)),
    "min-split-size": String(profile.minSplitSize),
    "file-allocation": profile.fileAllocation,
    continue: "true",
    "auto-file-renaming": "false",
  };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}
