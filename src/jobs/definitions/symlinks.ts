import { symlinkCheckJobRun, symlinkJobAvailability } from "../../services/symlinks/job.ts";
import type { JobDefinition } from "../types.ts";

/**
 * Symlink check (issue 6): a dry-run phase-1 scan of the whole media root; it never deletes.
 * Off until a media root is configured (MEDIA_ROOT or the Symlinks settings tab).
 */
export const symlinkCheckJob: JobDefinition = {
  name: "symlink-check",
  description: "Checks the media library's symlinks and files (broken links, empty or unreadable files)",
  defaultSchedule: "0 5 * * *",
  availability: symlinkJobAvailability,
  run: symlinkCheckJobRun,
};
