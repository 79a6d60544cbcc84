import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { ValidationError } from "../../errors.ts";
import {
  deleteTorrent,
  describeReinject,
  refreshTorrent,
  reinject,
  unrestrictTorrentLink,
} from "../../services/library-view/actions.ts";
import { torrentDetail } from "../../services/library-view/detail.ts";
import type { App, AppEnv } from "../context.ts";
import { isHtmx, render, renderPartial } from "../render.ts";
import { toastTrigger } from "./htmx.ts";
import { viewHelpers } from "./view-helpers.ts";

/** Plain-text summary for "copy info". */
function infoText(detail: ReturnType<typeof torrentDetail>): string {
  const t = detail.torrent;
  return [
    `Name: ${t.filename}`,
    `Id: ${t.id} (${t.provider})`,
    `Hash: ${t.hash ?? "-"}`,
    `Status: ${t.status} (${t.progress}%)`,
    `Size: ${viewHelpers.bytes(t.bytes)} (${t.bytes} bytes)`,
    `Added: ${t.added_on ?? "-"}`,
    `Files: ${detail.files.length}`,
    ...detail.files.map((f) => `  ${f.selected ? "[x]" : "[ ]"} ${f.path} (${viewHelpers.bytes(f.bytes)})`),
  ].join("\n");
}

/** /torrents/:id and its actions (refresh, unrestrict a link, re-inject, delete). */
export function registerTorrentDetail(app: App, deps: Deps): void {
  const page = (c: Context<AppEnv>, id: string) => {
    const detail = torrentDetail(deps, id);
    return render(
      c,
      "ui/torrent",
      {
        title: detail.torrent.filename || detail.torrent.id,
        ...detail,
        info: infoText(detail),
        dryRun: deps.config.dryRun,
        h: viewHelpers,
      },
      { partial: "ui/torrent-body" },
    );
  };

  app.get("/torrents/:id", (c) => page(c, c.req.param("id")));

  app.post("/torrents/:id/refresh", async (c) => {
    const id = c.req.param("id");
    await refreshTorrent(deps, id);
    if (!isHtmx(c)) return c.redirect(`/torrents/${id}`, 303);
    c.header("HX-Trigger", toastTrigger("ok", "Refreshed from the provider"));
    return page(c, id);
  });

  app.post("/torrents/:id/unrestrict", async (c) => {
    const id = c.req.param("id");
    const body = await c.req.parseBody();
    const link = typeof body.link === "string" ? body.link : "";
    if (!link) throw new ValidationError("link is required");
    const direct = await unrestrictTorrentLink(deps, id, link);
    // The page turns it into a clickable link: only web addresses, never javascript: or data:.
    if (!/^https?:\/\//i.test(direct.download))
      throw new ValidationError("the provider returned a link that is not http(s)");
    return renderPartial(c, "ui/direct-link", {
      direct,
      index: typeof body.index === "string" ? body.index : "0",
      h: viewHelpers,
    });
  });

  app.post("/torrents/:id/reinject", async (c) => {
    const id = c.req.param("id");
    const result = await reinject(deps, id);
    const message = describeReinject(result);
    if (!isHtmx(c)) return c.redirect(`/torrents/${result.newTorrentId ?? id}`, 303);
    const level =
      result.outcome === "failed"
        ? "error"
        : result.outcome === "repaired" || result.outcome === "planned"
          ? "ok"
          : "warn";
    c.header("HX-Trigger", toastTrigger(level, `Re-inject: ${message}`));
    if (result.newTorrentId && result.newTorrentId !== id) {
      c.header("HX-Redirect", `/torrents/${result.newTorrentId}`);
      return c.body(null, 204);
    }
    return page(c, id);
  });

  app.post("/torrents/:id/delete", async (c) => {
    const id = c.req.param("id");
    await deleteTorrent(deps, id);
    if (!isHtmx(c)) return c.redirect(`/torrents/${id}`, 303);
    c.header("HX-Trigger", toastTrigger("ok", "Deleted from the debrid service"));
    return page(c, id);
  });
}
