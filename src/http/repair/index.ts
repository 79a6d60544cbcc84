import type { Deps } from "../../deps.ts";
import { mountApi } from "../api/openapi-route.ts";
import type { App } from "../context.ts";
import { REPAIR_API } from "./api.ts";
import { registerRepairHtml } from "./pages.ts";

/** Mounts /repair (pages) and /api/repair (JSON). */
export function registerRepairPages(app: App, deps: Deps): void {
  registerRepairHtml(app, deps);
  mountApi(app, deps, REPAIR_API);
}
