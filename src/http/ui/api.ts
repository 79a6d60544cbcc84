import type { Deps } from "../../deps.ts";
import { resolveTorrentId, type TorrentRef, torrentDetail } from "../../services/library-view/detail.ts";
import { listTorrents } from "../../services/library-view/list.ts";
import type { App } from "../context.ts";
import { listUrl, parseListQuery } from "./list-query.ts";

/** JSON for scripts: the same list and detail the pages show (errors as {error: {code, message}}). */
export function registerUiApi(app: App, deps: Deps): void {
  app.get("/api/torrents", (c) => {
    const query = parseListQuery(c.req.query());
    const result = listTorrents(deps, query);
    return c.json({
      page: result.page,
      perPage: result.perPage,
      pages: result.pages,
      total: result.total,
      query: { provider: query.provider, status: query.status, q: query.q, sort: query.sort, dir: query.dir },
      next: result.page < result.pages ? listUrl(query, { page: result.page + 1 }, "/api/torrents") : null,
      torrents: result.rows.map((r) => ({
        id: r.id,
        provider: r.provider,
        name: r.filename,
        status: r.status,
        bytes: r.bytes,
        progress: r.progress,
        added: r.added_on,
        host: r.host,
        links: r.links_count,
        hasDetails: r.has_details === 1,
        removedAt: r.removed_at,
      })),
      counts: result.counts,
      providers: result.providers,
    });
  });

  const detailJson = (ref: TorrentRef) => {
    const detail = torrentDetail(deps, ref);
    return {
      torrent: { ...detail.torrent, links: detail.links },
      details: detail.details,
      files: detail.files.map((f) => ({
        id: f.file_id,
        path: f.path,
        bytes: f.bytes,
        selected: f.selected === 1,
      })),
      repairAttempts: detail.attempts,
    };
  };

  app.get("/api/torrents/:provider/:id", (c) =>
    c.json(detailJson({ provider: c.req.param("provider"), id: c.req.param("id") })),
  );
  // A bare id: the one provider that has it (400 naming them when several do).
  app.get("/api/torrents/:id", (c) => c.json(detailJson(resolveTorrentId(deps, c.req.param("id")))));
}
