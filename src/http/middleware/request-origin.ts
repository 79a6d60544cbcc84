import type { Context, MiddlewareHandler } from "hono";
import type { Deps } from "../../deps.ts";
import type { AppEnv } from "../context.ts";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
const SAFE_METHODS = new Set(["GET", "HEAD"]);

/** The host the browser addressed (the proxy's X-Forwarded-Host when trusted). */
function requestedHost(c: Context<AppEnv>, deps: Deps): string {
  const forwarded = deps.config.trustProxy ? c.req.header("x-forwarded-host")?.split(",")[0]?.trim() : "";
  return (forwarded || c.req.header("host") || new URL(c.req.url).host).toLowerCase();
}

function hostName(host: string): string {
  return host.replace(/:\d+$/, "");
}

/** `Origin` names this very server (scheme-relative: the default port of its scheme is implied). */
function sameOrigin(origin: string, host: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (!URL.canParse(`${url.protocol}//${host}`)) return false;
  return url.host === new URL(`${url.protocol}//${host}`).host;
}

/**
 * Why a browser request comes from another site, or null. Browsers label every request with
 * Sec-Fetch-Site (which no page can forge): when present it decides alone, so a reverse proxy
 * that rewrites Host does not break Redriva's own forms. Browsers too old to send it still send
 * Origin on cross-origin requests, compared with the Host then. Sonarr/Radarr and scripts send
 * neither and pass. A top-level GET navigation (a link or bookmark from elsewhere) may land here:
 * it can neither read the answer nor change anything.
 */
function crossSiteReason(c: Context<AppEnv>, deps: Deps): string | null {
  const site = c.req.header("sec-fetch-site")?.toLowerCase();
  if (site) {
    const linkedPage =
      SAFE_METHODS.has(c.req.method) &&
      c.req.header("sec-fetch-mode")?.toLowerCase() === "navigate" &&
      (c.req.header("sec-fetch-dest") ?? "document").toLowerCase() === "document";
    return site === "same-origin" || site === "none" || linkedPage ? null : `Sec-Fetch-Site: ${site}`;
  }
  const origin = c.req.header("origin");
  if (origin !== undefined && !sameOrigin(origin, requestedHost(c, deps))) return `Origin: ${origin}`;
  return null;
}

function refuse(c: Context<AppEnv>, message: string) {
  if (c.req.path.startsWith("/api/") || (c.req.header("accept") ?? "").includes("application/json"))
    return c.json({ error: { code: "forbidden", message } }, 403);
  return c.text(message, 403);
}

/**
 * The first check of every request, on every route (pages, /api/*, the qBittorrent API, /metrics,
 * static files), with or without a login:
 * - without a login Redriva answers only requests naming a loopback host (or HOST): a web page
 *   cannot reach it through DNS rebinding;
 * - a request a browser made for another site (Sec-Fetch-Site cross-site/same-site, or an Origin
 *   that is not this server) is refused: no web page can drive Redriva, whatever the Content-Type.
 */
export function requestOrigin(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!deps.config.auth.enabled) {
      // The Host header itself, never X-Forwarded-Host: a rebound page may set that header.
      const name = hostName((c.req.header("host") || new URL(c.req.url).host).toLowerCase());
      if (!LOOPBACK_HOSTS.has(name) && name !== deps.config.host.toLowerCase()) {
        return refuse(c, `Host ${name} is not allowed: without a login Redriva only answers on this machine`);
      }
    }
    const reason = crossSiteReason(c, deps);
    if (reason) {
      deps.log.warn({ path: c.req.path, reason }, "cross-site request refused");
      return refuse(c, `Cross-site request refused (${reason}): Redriva only answers its own pages`);
    }
    await next();
  };
}
