import type { Aria2Profile } from "./profile.ts";
import type { QueueSnapshot } from "./queue.ts";
import type { StorageDetection } from "./storage.ts";

/** What the running downloader reports to pages (one downloader per process). */
export interface RuntimeStatus {
  storage: StorageDetection;
  profile: Aria2Profile;
  aria2: { running: boolean; pid: number | null; restarts: number; error: string | null };
  queue: QueueSnapshot;
}

let current: RuntimeStatus | null = null;

export function setRuntimeStatus(status: RuntimeStatus | null): void {
  current = status;
}

export function getRuntimeStatus(): RuntimeStatus | null {
  return current;
}
