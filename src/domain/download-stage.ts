/**
 * The life of a download, in one table. Every stage change of a torrent goes through
 * `moveTo`, so a move nobody planned (a finished torrent back in the queue, a deleted one
 * brought back) is a programming error caught at the call, not a row in a strange state.
 *
 *   queued → provider → waiting ⇄ downloading → moving → extracting → hook → done
 *   (the steps after the download: src/services/downloads/post-download/steps.ts; each may be skipped)
 *   (any of them) → error → queued | waiting   (start over / retry)
 *   (any but deleted) → deleted                (final: the row is then forgotten)
 */

export const DOWNLOAD_STAGES = [
  "queued",
  "provider",
  "waiting",
  "downloading",
  "moving",
  "extracting",
  "hook",
  "done",
  "error",
  "deleted",
] as const;
export type DownloadStage = (typeof DOWNLOAD_STAGES)[number];

/** The stage a newly added torrent starts in. */
export const INITIAL_STAGE = "queued" satisfies DownloadStage;

/**
 * Nothing leaves it, whoever writes (the database keeps it too, see updateTorrent): a provider
 * step or a transfer finishing after the user deleted the torrent never brings it back.
 */
export const FINAL_STAGE = "deleted" satisfies DownloadStage;

/** Where each stage may go next (staying where it is is always allowed, and writes nothing). */
const STAGE_TRANSITIONS: Readonly<Record<DownloadStage, readonly DownloadStage[]>> = {
  // handed to a provider; no provider left or none configured
  queued: ["provider", "error", "deleted"],
  // files ready; gone at the provider or refused after the add (another provider); failed for good
  provider: ["waiting", "queued", "error", "deleted"],
  // a file started; all files on disk; failed for good
  waiting: ["downloading", "moving", "error", "deleted"],
  // between two files (no transfer running); all files on disk; failed for good
  downloading: ["waiting", "moving", "error", "deleted"],
  // the steps after the download (post-download/steps.ts): each one may be skipped
  moving: ["extracting", "hook", "done", "error", "deleted"],
  extracting: ["hook", "done", "error", "deleted"],
  // the DOWNLOAD_ON_COMPLETE command never fails the torrent (error: only a bug of ours)
  hook: ["done", "error", "deleted"],
  done: ["deleted"],
  // started over (a new grab, or resume without files); retried where it failed (resume with files)
  error: ["queued", "waiting", "deleted"],
  deleted: [],
};

/** Stages where the provider half runs (submit, then poll). */
export const PROVIDER_STAGES = ["queued", "provider"] as const satisfies readonly DownloadStage[];
/** Stages where aria2c transfers may run for the torrent. */
export const TRANSFER_STAGES = ["waiting", "downloading"] as const satisfies readonly DownloadStage[];
/** Stages of the steps after the download, in their order (the runner drives them). */
export const POST_DOWNLOAD_STAGES = [
  "moving",
  "extracting",
  "hook",
] as const satisfies readonly DownloadStage[];
export type PostDownloadStage = (typeof POST_DOWNLOAD_STAGES)[number];
/** Stages with no work left for the downloader (it idles when every torrent is in one). */
export const SETTLED_STAGES = ["done", "error"] as const satisfies readonly DownloadStage[];

export function inTransferStage(torrent: { stage: DownloadStage }): boolean {
  return (TRANSFER_STAGES as readonly DownloadStage[]).includes(torrent.stage);
}

export function canMove(from: DownloadStage, to: DownloadStage): boolean {
  return from === to || STAGE_TRANSITIONS[from].includes(to);
}

export class StageTransitionError extends Error {
  constructor(
    readonly from: DownloadStage,
    readonly to: DownloadStage,
  ) {
    super(`a download cannot go from ${from} to ${to}`);
    this.name = "StageTransitionError";
  }
}

/**
 * The patch that moves a torrent from `from` to `to`: empty when it is already there, and empty
 * from `deleted` (the user's delete wins over a step that read the row before it); throws
 * StageTransitionError for any other move the table refuses.
 */
export function moveTo(from: DownloadStage, to: DownloadStage): { stage?: DownloadStage } {
  if (from === FINAL_STAGE) return {};
  if (!canMove(from, to)) throw new StageTransitionError(from, to);
  return from === to ? {} : { stage: to };
}

/**
 * A failed torrent starts over from the provider step: a new grab of it (torrents/add), or a
 * resume once it has no files yet. Every provider is tried again.
 */
export function startOverPatch(from: DownloadStage) {
  return {
    ...moveTo(from, "queued"),
    error: null,
    message: null,
    attempts: 0,
    next_attempt_at: 0,
    provider: null,
    provider_id: null,
    providers_tried: "",
    // Downloaded afresh: the move step plans its target again.
    content_path: null,
  };
}

/** Priority in the transfer queue: force-started first, then the qBit queue order (smaller first). */
export function queuePriority(torrent: { force_start: boolean; queue_order: number }): number {
  return (torrent.force_start ? 1e12 : 0) - torrent.queue_order;
}
