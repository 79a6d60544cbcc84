import { moveIntoPlace } from "../staging/move.ts";
import { type PostDownloadStep, StepFailed } from "./step.ts";

/**
 * The files go from the incomplete folder to their final place: one rename on one disk, a
 * queued, checksummed copy onto another (SSD staging, src/services/downloads/staging/).
 */
export const moveStep: PostDownloadStep = {
  name: "move",
  stage: "moving",
  wanted: () => true,
  async run(ctx) {
    try {
      return await moveIntoPlace(ctx);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw new StepFailed(
        `could not move the files into ${ctx.torrent.save_path}: ${(error as Error).message}`,
      );
    }
  },
};
