import type { Deps } from "../../deps.ts";
import { getSymlinkSettings } from "../symlinks/settings.ts";

/**
 * The media library repair looks into for broken symlinks: the one the Symlinks settings tab
 * saved, else MEDIA_ROOT. Undefined when neither is set: the symlinks scan then refuses with a
 * clear message and the infringing cleanup has nothing to remove.
 */
export function repairMediaRoot(deps: Pick<Deps, "config" | "dbh">): string | undefined {
  return getSymlinkSettings(deps).mediaRoot || undefined;
}
