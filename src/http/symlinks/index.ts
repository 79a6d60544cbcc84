import type { Deps } from "../../deps.ts";
import type { App } from "../context.ts";
import { registerSymlinkApi } from "./api.ts";
import { registerSymlinkHtml } from "./pages.ts";

/** Mounts the symlink checker (issue 6): pages under /symlinks, JSON API under /api/symlinks. */
export function registerSymlinkPages(app: App, deps: Deps): void {
  registerSymlinkApi(app, deps);
  registerSymlinkHtml(app, deps);
}
