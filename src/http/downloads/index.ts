import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { formatBytes, formatDuration } from "../../lib/format.ts";
import { badgeClass } from "../../lib/status-tone.ts";
import {
  deleteTorrents,
  movePriority,
  pauseTorrents,
  resumeTorrents,
} from "../../services/downloads/control.ts";
import { downloadsOverview } from "../../services/downloads/overview.ts";
import type { App, AppEnv } from "../context.ts";
import { readForm } from "../form.ts";
import { isHtmx, render, renderPartial } from "../render.ts";
import { viewHelpers } from "../ui/view-helpers.ts";
import { addBoxData, addFromForm } from "./add.ts";

const HASH = /^[0-9a-f]{40}$/;

const fmt = {
  bytes: (n: number) => formatBytes(n),
  speed: (n: number) => (n > 0 ? `${formatBytes(n)}/s` : "—"),
  eta: (s: number | null) => (s === null ? "—" : formatDuration(s * 1000)),
  percent: (p: number) => `${(p * 100).toFixed(1)}%`,
  badge: badgeClass,
};

/**
 * /downloads: the queue and active downloads (rows refresh themselves while something moves),
 * pause/resume/cancel/priority, storage type and free space, and what to type in Sonarr/Radarr.
 */
export function registerDownloadsPages(app: App, deps: Deps): void {
  const data = async (c: Context<AppEnv>) => ({
    ...(await downloadsOverview(deps)),
    fmt: { ...fmt, date: viewHelpers(deps.time).date },
    setup: setupValues(c, deps),
    add: addBoxData(deps),
  });

  app.get("/downloads", async (c) =>
    render(c, "downloads/index", await data(c), { partial: "downloads/rows", title: "Downloads" }),
  );
  // Fragments carry the storage card's queue line along (out of band), so both stay current.
  const rows = async (c: Context<AppEnv>) =>
    renderPartial(c, "downloads/rows", { ...(await data(c)), queueOob: true });
  app.get("/downloads/rows", rows);

  app.post("/downloads/add", async (c) => {
    const result = await addFromForm(c, deps);
    if (!isHtmx(c)) return c.redirect("/downloads", 303);
    return renderPartial(c, "downloads/add-result", { ...(await data(c)), result, oob: true });
  });

  const actions: Record<string, (hash: string, form: Record<string, unknown>) => unknown> = {
    pause: (h) => pauseTorrents(deps, [h]),
    resume: (h) => resumeTorrents(deps, [h]),
    delete: (h, form) => deleteTorrents(deps, [h], form.deleteFiles === "on" || form.deleteFiles === "true"),
    top: (h) => movePriority(deps, [h], "top"),
    up: (h) => movePriority(deps, [h], "up"),
    down: (h) => movePriority(deps, [h], "down"),
    bottom: (h) => movePriority(deps, [h], "bottom"),
  };
  app.post("/downloads/:hash/:action", async (c) => {
    const hash = c.req.param("hash").toLowerCase();
    const action = actions[c.req.param("action")];
    if (!HASH.test(hash) || !action) return c.text("Unknown download or action", 400);
    action(hash, await readForm(c));
    if (isHtmx(c)) return rows(c);
    return c.redirect("/downloads", 303);
  });
}

/** The values to type in Sonarr/Radarr → Settings → Download Clients → qBittorrent. */
function setupValues(c: Context<AppEnv>, deps: Deps) {
  const url = new URL(c.req.url);
  const forwardedHost = deps.config.trustProxy ? c.req.header("x-forwarded-host") : undefined;
  const host = (forwardedHost ?? c.req.header("host") ?? url.host).replace(/:\d+$/, "");
  return {
    host,
    port: deps.config.port,
    username: deps.config.auth.username ?? "",
    hasPassword: Boolean(deps.config.auth.password),
    dir: deps.config.downloads.dir,
  };
}
