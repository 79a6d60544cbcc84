import type { Aria2Rpc } from "../../downloader/aria2/rpc.ts";
import type { Aria2Profile } from "../../downloader/profile.ts";
import type { DownloadQueue } from "../../downloader/queue.ts";
import type { DiskSpace, StorageDetection } from "../../downloader/storage.ts";
import type { SpeedTracker } from "./progress.ts";
import type { DiskProbe } from "./staging/disks.ts";
import type { MoveSlots } from "./staging/move-slots.ts";

/** The long-lived parts the reconciler drives (built by runtime.ts). */
export interface DownloadEngine {
  aria2: Aria2Rpc;
  /** False while aria2c is (re)starting: transfers are left alone until it answers. */
  aria2Ready(): boolean;
  queue: DownloadQueue;
  profile: Aria2Profile;
  storage: StorageDetection;
  space(dir: string): Promise<DiskSpace>;
  speeds: SpeedTracker;
  /** Asks for a reconcile tick as soon as possible. */
  kick(): void;
  /** The move onto the final disk: which disk is which, whose turn it is to copy onto each. */
  staging: { disks: DiskProbe; slots: MoveSlots; dropCache(fd: number): void };
}
