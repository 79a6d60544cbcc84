import type { Deps } from "../../deps.ts";
import type { App } from "../context.ts";
import { registerRepairApi } from "./api.ts";
import { registerRepairHtml } from "./pages.ts";

/** Mounts /repair (pages) and /api/repair (JSON). */
export function registerRepairPages(app: App, deps: Deps): void {
  registerRepairHtml(app, deps);
  registerRepairApi(app, deps);
}
