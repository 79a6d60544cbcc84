import type { App } from "../context.ts";
import type { Deps } from "../../deps.ts";

/** Mounts the jobs routes (issue 4). */
export function registerJobsPages(_app: App, _deps: Deps): void {}
