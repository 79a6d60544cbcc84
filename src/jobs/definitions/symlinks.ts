import { notAvailableYet } from "./placeholder.ts";

/**
 * Symlink check (issue 6): off until MEDIA_ROOT is configured. The symlinks feature wires
 * `runSymlinkCheck(deps, { signal, onLog })` here, with an availability() that asks for MEDIA_ROOT.
 */
export const symlinkCheckJob = notAvailableYet(
  "symlink-check",
  "Checks the media library's symlinks and files (broken links, empty or unreadable files)",
  "0 5 * * *",
  "the symlink checker is not installed yet",
);
