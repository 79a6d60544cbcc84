import type { App } from "../context.ts";
import type { Deps } from "../../deps.ts";

/** Mounts the downloads routes (issue 7). */
export function registerDownloadsPages(_app: App, _deps: Deps): void {}
