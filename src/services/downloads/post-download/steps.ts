import { extractStep } from "../postprocess/extract-step.ts";
import { hookStep } from "../postprocess/hook-step.ts";
import { moveStep } from "./move-step.ts";
import type { PostDownloadStep } from "./step.ts";

/**
 * What happens to a torrent once every file is on disk, in this order; each step in its own file
 * and skipped when a torrent does not need it. The last one done, the torrent is finished
 * (qBit `pausedUP`, content_path on the final content).
 */
export const POST_DOWNLOAD_STEPS: readonly PostDownloadStep[] = [moveStep, extractStep, hookStep];
