import type { Context } from "hono";
import type { Deps } from "../../deps.ts";
import { ValidationError } from "../../errors.ts";
import { formatBytes } from "../../lib/format.ts";
import {
  deleteTorrent,
  describeReinject,
  refreshTorrent,
  reinject,
  unrestrictTorrentLink,
} from "../../services/library-view/actions.ts";
import { resolveTorrentId, type TorrentRef, torrentDetail } from "../../services/library-view/detail.ts";
import { FAILED_STATUS_EXPLANATIONS } from "../../services/library-view/filters.ts";
import type { App, AppEnv } from "../context.ts";
import { readForm } from "../form.ts";
import { isHtmx, render, renderPartial } from "../render.ts";
import { toastTrigger } from "./htmx.ts";
import { torrentUrl, viewHelpers } from "./view-helpers.ts";

/** Plain-text summary for "copy info". */
function infoText(detail: ReturnType<typeof torrentDetail>): string {
  const t = detail.torrent;
  return [
    `Name: ${t.filename}`,
    `Id: ${t.id} (${t.provider})`,
    `Hash: ${t.hash ?? "-"}`,
    `Status: ${t.status} (${t.progress}%)`,
    `Size: ${formatBytes(t.bytes)} (${t.bytes} bytes)`,
    `Added: ${t.added_on ?? "-"}`,
    `Files: ${detail.files.length}`,
    ...detail.files.map((f) => `  ${f.selected ? "[x]" : "[ ]"} ${f.path} (${formatBytes(f.bytes)})`),
  ].join("\n");
}

const refOf = (c: Context<AppEnv>): TorrentRef => ({
  provider: c.req.param("provider") ?? "",
  id: c.req.param("id") ?? "",
});

/** /torrents/:provider/:id and its actions (refresh, unrestrict a link, re-inject, delete). */
export function registerTorrentDetail(app: App, deps: Deps): void {
  const page = (c: Context<AppEnv>, ref: TorrentRef, extra: Record<string, unknown> = {}) => {
    const detail = torrentDetail(deps, ref);
    return render(
      c,
      "ui/torrent",
      {
        title: detail.torrent.filename || detail.torrent.id,
        ...detail,
        info: infoText(detail),
        dryRun: deps.config.dryRun,
        h: viewHelpers(deps.time),
        reinjectPlan: null,
        failedExplanation: FAILED_STATUS_EXPLANATIONS[detail.torrent.status] ?? null,
        ...extra,
      },
      { partial: "ui/torrent-body" },
    );
  };

  // Links from before ids were per provider: the one provider that has the id.
  app.get("/torrents/:id", (c) => c.redirect(torrentUrl(resolveTorrentId(deps, c.req.param("id"))), 301));

  app.get("/torrents/:provider/:id", (c) => page(c, refOf(c)));

  app.post("/torrents/:provider/:id/refresh", async (c) => {
    const ref = refOf(c);
    await refreshTorrent(deps, ref);
    if (!isHtmx(c)) return c.redirect(torrentUrl(ref), 303);
    c.header("HX-Trigger", toastTrigger("ok", "Refreshed from the provider"));
    return page(c, ref);
  });

  app.post("/torrents/:provider/:id/unrestrict", async (c) => {
    const ref = refOf(c);
    const body = await readForm(c);
    const link = typeof body.link === "string" ? body.link : "";
    if (!link) throw new ValidationError("link is required");
    const direct = await unrestrictTorrentLink(deps, ref, link);
    // The page turns it into a clickable link: only web addresses, never javascript: or data:.
    if (!/^https?:\/\//i.test(direct.download))
      throw new ValidationError("the provider returned a link that is not http(s)");
    return renderPartial(c, "ui/direct-link", {
      direct,
      index: typeof body.index === "string" ? body.index : "0",
      h: viewHelpers(deps.time),
    });
  });

  app.post("/torrents/:provider/:id/reinject", async (c) => {
    const ref = refOf(c);
    const result = await reinject(deps, ref);
    const message = describeReinject(result);
    const after = torrentUrl({ provider: ref.provider, id: result.newTorrentId ?? ref.id });
    if (!isHtmx(c)) return c.redirect(after, 303);
    const level =
      result.outcome === "failed"
        ? "error"
        : result.outcome === "repaired" || result.outcome === "planned"
          ? "ok"
          : "warn";
    c.header("HX-Trigger", toastTrigger(level, `Re-inject: ${message}`));
    if (result.newTorrentId && result.newTorrentId !== ref.id) {
      c.header("HX-Redirect", after);
      return c.body(null, 204);
    }
    // A dry run shows its plan on the page: what would be added, selected, deleted, unlinked.
    const plan =
      result.outcome === "planned" ? { steps: result.plan?.steps ?? [], links: result.links } : null;
    return page(c, ref, { reinjectPlan: plan });
  });

  app.post("/torrents/:provider/:id/delete", async (c) => {
    const ref = refOf(c);
    await deleteTorrent(deps, ref);
    if (!isHtmx(c)) return c.redirect(torrentUrl(ref), 303);
    c.header("HX-Trigger", toastTrigger("ok", "Deleted from the debrid service"));
    return page(c, ref);
  });
}
