import type { Context, MiddlewareHandler } from "hono";
import type { Deps } from "../../deps.ts";
import { DAV_METHODS, type DavAnswer, davPropfind, davRead, davSegments } from "../../services/dav/index.ts";
import { checkCredentials } from "../../services/web-auth/index.ts";
import { retryAfterText } from "../../services/web-auth/throttle.ts";
import { clientAddress } from "../client-address.ts";
import type { App, AppEnv } from "../context.ts";

const CHALLENGE = { "www-authenticate": 'Basic realm="Redriva WebDAV", charset="UTF-8"' };

/**
 * The login of the web UI as HTTP Basic (what rclone and file managers send), through the one
 * credential throttle: a locked-out client gets 429 even with the right password. A request
 * without credentials is only challenged (it costs no try).
 */
function davAuth(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!deps.config.auth.enabled) return next();
    const header = c.req.header("authorization");
    if (!header?.startsWith("Basic "))
      return c.text("Log in with the web UI's username and password\n", 401, CHALLENGE);
    const { throttle } = deps.webAuth;
    const client = clientAddress(c, deps);
    const wait = throttle.retryAfterMs(client);
    if (wait > 0) {
      const message = `Too many failed logins from this address: ${retryAfterText(wait)}\n`;
      return c.text(message, 429, { "retry-after": String(Math.ceil(wait / 1000)) });
    }
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon >= 0 && checkCredentials(deps, decoded.slice(0, colon), decoded.slice(colon + 1))) {
      throttle.succeed(client);
      c.set("user", decoded.slice(0, colon));
      return next();
    }
    throttle.fail(client);
    deps.log.warn({ client }, "WebDAV login failed");
    return c.text("Wrong username or password\n", 401, CHALLENGE);
  };
}

function send(answer: DavAnswer): Response {
  return new Response(answer.body as BodyInit | null, { status: answer.status, headers: answer.headers });
}

async function handle(c: Context<AppEnv>, deps: Deps): Promise<Response> {
  const segments = davSegments(new URL(c.req.url).pathname);
  if (segments === null) return c.text("Malformed path\n", 400);
  switch (c.req.method) {
    case "OPTIONS":
      return c.body(null, 200, { dav: "1", allow: DAV_METHODS, "ms-author-via": "DAV" });
    case "PROPFIND":
      return send(await davPropfind(deps, segments, c.req.header("depth"), c.req.header("accept-encoding")));
    case "GET":
    case "HEAD":
      return send(
        await davRead(deps, segments, {
          method: c.req.method,
          range: c.req.header("range"),
          signal: c.req.raw.signal,
        }),
      );
    default:
      return c.text("Redriva's WebDAV is read-only\n", 405, { allow: DAV_METHODS });
  }
}

/** /dav/: the library as a read-only WebDAV share (handlers stay thin: services/dav does the work). */
export function registerDav(app: App, deps: Deps): void {
  app.use("/dav", davAuth(deps));
  app.use("/dav/*", davAuth(deps));
  app.all("/dav", (c) => handle(c, deps));
  app.all("/dav/*", (c) => handle(c, deps));
}
