import type { Deps } from "../../deps.ts";

/**
 * The media library repair looks into for broken symlinks (MEDIA_ROOT). Undefined when not
 * configured: the symlinks scan then refuses with a clear message and the infringing cleanup
 * has nothing to remove.
 */
export function repairMediaRoot(deps: Pick<Deps, "config">): string | undefined {
  return deps.config.symlinks.mediaRoot;
}
