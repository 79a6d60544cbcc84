import type { App } from "../context.ts";
import type { Deps } from "../../deps.ts";

/** Mounts the repair routes (issue 5). */
export function registerRepairPages(_app: App, _deps: Deps): void {}
