import type { Deps } from "../../deps.ts";
import type { App } from "../context.ts";
import { registerAppRoutes } from "./app-routes.ts";
import { clientIp, QbitSessions, requireSession } from "./auth.ts";
import { readParams } from "./params.ts";
import { registerTorrentRoutes } from "./torrents.ts";

const BASE = "/api/v2";

/**
 * The qBittorrent WebAPI v2, to the letter of what Sonarr and Radarr send and read. Mounted before the web UI's login: it has its own
 * SID session and answers 403, never 401, without one.
 */
export function registerQbitApi(app: App, deps: Deps): void {
  const sessions = new QbitSessions(deps);

  app.get(`${BASE}/auth/login`, (c) => c.text("Method Not Allowed", 405));
  app.post(`${BASE}/auth/login`, async (c) => {
    const ip = clientIp(c);
    if (sessions.banned(ip))
      return c.text("Your IP address has been banned after too many failed authentication attempts.", 403);
    const p = await readParams(c);
    if (!sessions.credentialsMatch(p.get("username") ?? "", p.get("password") ?? "")) {
      sessions.failed(ip);
      deps.log.warn({ ip }, "qBittorrent API: failed login");
      return c.text("Fails.");
    }
    sessions.succeeded(ip);
    const sid = sessions.create();
    c.header("Set-Cookie", `SID=${sid}; HttpOnly; path=/; SameSite=Strict`);
    return c.text("Ok.");
  });

  app.use(`${BASE}/*`, requireSession(sessions));
  app.on(["GET", "POST"], `${BASE}/auth/logout`, (c) => {
    const cookie = c.req.header("cookie") ?? "";
    sessions.end(/(?:^|;\s*)SID=([^;]+)/.exec(cookie)?.[1]);
    return c.body(null, 200);
  });

  registerAppRoutes(app, deps, BASE);
  registerTorrentRoutes(app, deps, BASE);
  app.all(`${BASE}/*`, (c) => c.text("Not Found", 404));
}
