import type { MiddlewareHandler } from "hono";
import type { Deps } from "../../deps.ts";
import { syncConsoleFor } from "../../services/library-view/sync-console.ts";
import type { App, AppEnv } from "../context.ts";
import { registerUiApi } from "./api.ts";
import { registerDashboard } from "./dashboard.ts";
import { registerLogin } from "./login.ts";
import { registerSettings } from "./settings.ts";
import { registerStats } from "./stats.ts";
import { registerTorrentDetail } from "./torrent-detail.ts";
import { registerTorrentList } from "./torrents.ts";

export { registerSettingsSection, type SettingsSection } from "./settings-sections.ts";

/**
 * Scripts only from our origin, no inline script, no framing: a name that slipped past escaping
 * still could not run. Styles allow inline `style=` (progress bar widths).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    c.header("Content-Security-Policy", CSP);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
  };
}

/** Mounts the web UI (issue 3): dashboard, torrents, detail, statistics, settings, login, JSON API. */
export function registerWebUi(app: App, deps: Deps): void {
  // Listen to the sync bus from the start, so the console also has runs started before any visit.
  syncConsoleFor(deps);
  for (const path of [
    "/",
    "/login",
    "/logout",
    "/torrents",
    "/torrents/*",
    "/stats",
    "/settings",
    "/settings/*",
    "/sync/*",
    "/ui/*",
    "/api/torrents",
    "/api/torrents/*",
    "/api/stats",
  ]) {
    app.use(path, securityHeaders());
  }
  registerLogin(app, deps);
  registerDashboard(app, deps);
  registerTorrentList(app, deps);
  registerTorrentDetail(app, deps);
  registerStats(app, deps);
  registerSettings(app, deps);
  registerUiApi(app, deps);
}
