import { Hono } from "hono";
import { serveStatic } from "hono/bun";
import { requestId } from "hono/request-id";
import type { Deps } from "../deps.ts";
import { withAbsoluteUrl } from "./absolute-url.ts";
import { registerOpenApi } from "./api/openapi.ts";
import type { AppEnv } from "./context.ts";
import { registerDav } from "./dav/index.ts";
import { registerDownloadsPages } from "./downloads/index.ts";
import { handleError, handleNotFound } from "./errors.ts";
import { registerJobsPages } from "./jobs/index.ts";
import { accessLog } from "./middleware/access-log.ts";
import { bodyCaps } from "./middleware/body-caps.ts";
import { requestOrigin } from "./middleware/request-origin.ts";
import { securityHeaders } from "./middleware/security-headers.ts";
import { webAuth } from "./middleware/web-auth.ts";
import { registerQbitApi } from "./qbit/index.ts";
import { createViews } from "./render.ts";
import { registerRepairPages } from "./repair/index.ts";
import { registerSymlinkPages } from "./symlinks/index.ts";
import { registerWebUi } from "./ui/index.ts";

/**
 * Builds the whole HTTP surface on one port: pages, JSON API, qBittorrent API, static files.
 * No side effects: tests call createApp(deps).request(...) without a server.
 */
export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();
  const views = createViews(deps.config);
  app.use(async (c, next) => {
    c.set("deps", deps);
    c.set("views", views);
    c.set("user", null);
    c.set("csrfToken", "");
    await next();
  });
  app.use(securityHeaders());
  app.use(requestId());
  app.use(accessLog());
  app.onError(handleError);
  app.notFound(handleNotFound);
  // Before every route, the qBittorrent API included: Host/Origin rules, then body caps.
  app.use(requestOrigin(deps));
  app.use(bodyCaps());

  app.use("/public/*", serveStatic({ root: "./", rewriteRequestPath: (p) => p }));
  app.get("/health", (c) => c.json({ status: "ok" }));

  // The qBittorrent API has its own session (SID cookie) and answers 403 the way *arr expects.
  registerQbitApi(app, deps);
  // WebDAV clients (rclone) log in with HTTP Basic on every request, PROPFIND included.
  registerDav(app, deps);

  app.use("*", webAuth(deps));
  registerWebUi(app, deps);
  registerJobsPages(app, deps);
  registerRepairPages(app, deps);
  registerSymlinkPages(app, deps);
  registerDownloadsPages(app, deps);
  registerOpenApi(app, deps);
  const dispatch = app.fetch;
  app.fetch = (request, ...rest) =>
    dispatch(withAbsoluteUrl(request, deps.config.host, deps.config.port), ...rest);
  return app;
}
