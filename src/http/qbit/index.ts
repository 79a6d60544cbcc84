import type { App } from "../context.ts";
import type { Deps } from "../../deps.ts";

/** Mounts the qbit routes (issue 7). */
export function registerQbitApi(_app: App, _deps: Deps): void {}
