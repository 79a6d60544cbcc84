import { resolve } from "node:path";
import { z } from "zod";
import { byteSize, optionalText, positiveInt, text } from "../fields.ts";

/**
 * Symlink checker defaults. The Symlinks settings tab can override the first five (stored in
 * SQLite, see src/services/symlinks/settings.ts).
 */
export const symlinksSchema = z.object({
  /** Root of the media library (symlinks into the debrid mount, or plain files). */
  MEDIA_ROOT: optionalText(),
  SYMLINK_WORKERS: positiveInt(6),
  SYMLINK_FFPROBE_TIMEOUT_MS: positiveInt(30_000),
  /** Files below this size count as "empty" (a failed transfer leaves a stub). */
  SYMLINK_MIN_SIZE: byteSize(1024),
  SYMLINK_HISTORY_KEEP: positiveInt(3),
  /** ffprobe binary used by the full (phase 2) check. */
  FFPROBE_PATH: text("ffprobe"),
});

export function buildSymlinks(env: z.infer<typeof symlinksSchema>) {
  return {
    mediaRoot: env.MEDIA_ROOT ? resolve(env.MEDIA_ROOT) : undefined,
    workers: Math.min(env.SYMLINK_WORKERS, 64),
    ffprobeTimeoutMs: env.SYMLINK_FFPROBE_TIMEOUT_MS,
    minSizeBytes: env.SYMLINK_MIN_SIZE,
    historyKeep: env.SYMLINK_HISTORY_KEEP,
    ffprobePath: env.FFPROBE_PATH,
  };
}
