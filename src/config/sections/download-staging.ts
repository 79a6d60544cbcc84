import { oneOf, optionalText } from "../fields.ts";
import { parseSpeed } from "./download-speed.ts";

/**
 * SSD staging (DOWNLOAD_INCOMPLETE_DIR on another disk than DOWNLOAD_DIR): how the finished files
 * are copied onto the final disk (src/services/downloads/staging/).
 */
export const downloadStagingFields = () => ({
  /** The final disk's type: `auto` reads its rotational flag (unknown counts as a hard disk). */
  DOWNLOAD_MOVE_DISK: oneOf(["auto", "hdd", "ssd"], "auto"),
  DOWNLOAD_MOVE_SPEED_LIMIT: optionalText()
    .refine(
      (s) => s === undefined || parseSpeed(s) !== null,
      "expected a speed such as 100MB (per second) or 0 for unlimited",
    )
    .transform((s) => (s === undefined ? 0 : (parseSpeed(s) as number))),
});

export function buildDownloadStaging(env: {
  DOWNLOAD_MOVE_DISK: "auto" | "hdd" | "ssd";
  DOWNLOAD_MOVE_SPEED_LIMIT: number;
}) {
  return {
    moveDisk: env.DOWNLOAD_MOVE_DISK,
    /** Bytes per second for each copy onto the final disk, 0 = as fast as the disks go. */
    moveSpeedLimit: env.DOWNLOAD_MOVE_SPEED_LIMIT,
  };
}
