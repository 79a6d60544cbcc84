import type { App } from "../context.ts";
import type { Deps } from "../../deps.ts";

/** Mounts the ui routes (issue 3). */
export function registerWebUi(_app: App, _deps: Deps): void {}
