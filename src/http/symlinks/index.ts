import type { App } from "../context.ts";
import type { Deps } from "../../deps.ts";

/** Mounts the symlinks routes (issue 6). */
export function registerSymlinkPages(_app: App, _deps: Deps): void {}
