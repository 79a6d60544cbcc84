import type { Deps } from "../../deps.ts";
import { clientAddress } from "../client-address.ts";
import type { App } from "../context.ts";
import { registerAppRoutes } from "./app-routes.ts";
import { bannedAnswer, QbitSessions, requireSession } from "./auth.ts";
import { registerFidelityRoutes } from "./fidelity-routes.ts";
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
    const { throttle } = deps.webAuth;
    const client = clientAddress(c, deps);
    const wait = throttle.retryAfterMs(client);
    if (wait > 0) return bannedAnswer(c, wait);
    const p = await readParams(c);
    if (!sessions.credentialsMatch(p.get("username") ?? "", p.get("password") ?? "")) {
      throttle.fail(client);
      deps.log.warn({ client }, "qBittorrent API: failed login");
      return c.text("Fails.");
    }
    throttle.succeed(client);
    const sid = sessions.create();
    c.header("Set-Cookie", `SID=${sid}; HttpOnly; path=/; SameSite=Strict`);
    return c.text("Ok.");
  });

  app.use(`${BASE}/*`, requireSession(sessions, deps));
  app.on(["GET", "POST"], `${BASE}/auth/logout`, (c) => {
    const cookie = c.req.header("cookie") ?? "";
    sessions.end(/(?:^|;\s*)SID=([^;]+)/.exec(cookie)?.[1]);
    return c.body(null, 200);
  });

  registerAppRoutes(app, deps, BASE);
  registerTorrentRoutes(app, deps, BASE);
  registerFidelityRoutes(app, deps, BASE);
  app.all(`${BASE}/*`, (c) => c.text("Not Found", 404));
}
