import type { Deps } from "../../deps.ts";
import { mountApi } from "../api/openapi-route.ts";
import type { App } from "../context.ts";
import { LIBRARY_API } from "./api.ts";
import { registerDashboard } from "./dashboard.ts";
import { registerDiagnose } from "./diagnose.ts";
import { registerLogin } from "./login.ts";
import { registerSettings } from "./settings.ts";
import { registerStats, STATS_API } from "./stats.ts";
import { registerTorrentDetail } from "./torrent-detail.ts";
import { registerTorrentList } from "./torrents.ts";

/** Mounts the web UI (issue 3): dashboard, torrents, detail, statistics, settings, login, JSON API. */
export function registerWebUi(app: App, deps: Deps): void {
  registerLogin(app, deps);
  registerDashboard(app, deps);
  registerTorrentList(app, deps);
  registerTorrentDetail(app, deps);
  registerStats(app, deps);
  registerDiagnose(app, deps);
  registerSettings(app, deps);
  mountApi(app, deps, LIBRARY_API);
  mountApi(app, deps, STATS_API);
}
