import type { Aria2Profile } from "../../downloader/profile.ts";
import type { QueueSnapshot } from "../../downloader/queue.ts";
import type { StorageDetection } from "../../downloader/storage.ts";
import type { RunningStep } from "./post-download/step.ts";
import type { MountWait } from "./symlink-step.ts";

/** What the running downloader reports to pages. */
export interface RuntimeStatus {
  storage: StorageDetection;
  profile: Aria2Profile;
  aria2: { running: boolean; pid: number | null; restarts: number; error: string | null };
  queue: QueueSnapshot;
}

/** The download side's in-memory state of one process (`deps.downloads`). */
export class DownloadsState {
  /** Null until the downloader runs (the CLI, a server with downloads off). */
  status: RuntimeStatus | null = null;
  /** Files waiting before another try, by file id (in memory: a restart simply tries at once). */
  readonly retryAt = new Map<number, number>();
  /** GIDs being handed to aria2c right now (not yet marked active in the database). */
  readonly starting = new Set<string>();
  /** Symlink mode: torrents waiting for their files in the debrid mount, by hash. */
  readonly mountWaits = new Map<string, MountWait>();
  /** Steps after the download running now (move, extraction, command), by hash. */
  readonly postSteps = new Map<string, RunningStep>();
  /** Bytes extractions are about to write, by hash: downloads count them as taken. */
  readonly reservedBytes = new Map<string, number>();
}
