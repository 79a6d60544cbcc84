import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { readRotational, type StorageType } from "../../../downloader/storage.ts";

/**
 * What the move step needs to know about the disks: which filesystem holds a path (a rename
 * works inside one; between two the files are copied) and whether it is a hard disk (copies onto
 * one are never run side by side). Injected through startDownloads' options: tests have one disk.
 */
export interface DiskProbe {
  /** The filesystem holding `path` or its nearest existing parent (st_dev). */
  deviceOf(path: string): string;
  /** The type of the disk holding `path`. */
  kindOf(path: string): StorageType;
}

/** The folder itself, or the nearest parent that exists. */
export function existingAncestor(path: string): string {
  let current = path;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/**
 * The real disks: st_dev, and the rotational flag of the block device when `configured` is auto
 * (DOWNLOAD_MOVE_DISK). A disk whose type cannot be read (overlay, NFS, FUSE) counts as a hard
 * disk: one copy at a time is slower on flash, but two at a time on a disk with heads is far worse.
 */
export function systemDisks(configured: "auto" | StorageType): DiskProbe {
  const kinds = new Map<string, StorageType>();
  const deviceOf = (path: string) => String(statSync(existingAncestor(path)).dev);
  return {
    deviceOf,
    kindOf(path) {
      if (configured !== "auto") return configured;
      const device = deviceOf(path);
      let kind = kinds.get(device);
      if (!kind) {
        const rotational = readRotational(existingAncestor(path));
        kind = rotational && !rotational.value ? "ssd" : "hdd";
        kinds.set(device, kind);
      }
      return kind;
    },
  };
}
