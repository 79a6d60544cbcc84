import type { DownloadTorrentRow, TorrentPatch } from "../../../db/repo/downloads.ts";
import type { Deps } from "../../../deps.ts";
import type { PostDownloadStage } from "../../../domain/download-stage.ts";
import type { DownloadEngine } from "../engine.ts";

/**
 * One step between "every file is on disk" and "finished" (qBit pausedUP): the move into place,
 * the extraction of archives, the DOWNLOAD_ON_COMPLETE command. The list and its order are in
 * steps.ts; the runner (runner.ts) starts each step without holding up the reconciler's tick.
 */
export interface PostDownloadStep {
  /** For logs. */
  readonly name: string;
  /** The torrent's stage while the step runs (qBit shows `moving` for all of them). */
  readonly stage: PostDownloadStage;
  /**
   * A pause stops it at once (its child killed, its scratch removed); it runs again from its start
   * on resume. Other steps run to their end and the pause holds the torrent before the next one.
   */
  readonly stopsOnPause?: boolean;
  /** False skips the step for this torrent (no archive to extract, no command configured). */
  wanted(deps: Deps, torrent: DownloadTorrentRow): boolean;
  /**
   * Does the work. Resolves with the fields to write (content_path, a message); throws
   * StepFailed for a reason the user must read (the torrent goes to `error` with it). Must stop
   * (and stop its child processes) soon after `signal` aborts.
   */
  run(ctx: StepContext): Promise<TorrentPatch | undefined>;
}

export interface StepContext {
  deps: Deps;
  engine: DownloadEngine;
  /** The row as the step starts (content_path is where the files are once moved). */
  torrent: DownloadTorrentRow;
  signal: AbortSignal;
  /** Reports where the step is: 0..1 (qBit `progress`, the /downloads bar) and words. */
  progress(fraction: number, message: string): void;
}

/** A step failed for a reason the user can act on: the torrent goes to `error` with it. */
export class StepFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StepFailed";
  }
}

/** A step being run for a torrent (DownloadsState.postSteps, by hash). */
export interface RunningStep {
  step: string;
  stopsOnPause: boolean;
  abort: AbortController;
  done: Promise<void>;
  /** 0..1 as last reported, null before the first report. */
  progress: number | null;
}
