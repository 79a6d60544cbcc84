import type { Deps } from "../../deps.ts";
import type { App } from "../context.ts";
import { registerUiApi } from "./api.ts";
import { registerDashboard } from "./dashboard.ts";
import { registerDiagnose } from "./diagnose.ts";
import { registerLogin } from "./login.ts";
import { registerSettings } from "./settings.ts";
import { registerStats } from "./stats.ts";
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
  registerUiApi(app, deps);
}
