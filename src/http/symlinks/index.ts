import type { Deps } from "../../deps.ts";
import { mountApi } from "../api/openapi-route.ts";
import type { App } from "../context.ts";
import { SYMLINKS_API } from "./api.ts";
import { registerSymlinkHtml } from "./pages.ts";

/** Mounts the symlink checker (issue 6): pages under /symlinks, JSON API under /api/symlinks. */
export function registerSymlinkPages(app: App, deps: Deps): void {
  mountApi(app, deps, SYMLINKS_API);
  registerSymlinkHtml(app, deps);
}
