import { z } from "zod";
import type { Deps } from "../../deps.ts";
import { resolveTorrentId, type TorrentRef, torrentDetail } from "../../services/library-view/detail.ts";
import { listTorrents } from "../../services/library-view/list.ts";
import { type ApiRoute, apiRoute } from "../api/openapi-route.ts";
import { torrentDetailSchema } from "../api/responses/library.ts";
import { listQuerySchema, listUrl, toListQuery } from "./list-query.ts";

const TAG = "Library";

function detailJson(deps: Deps, ref: TorrentRef) {
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
}

const detailResponses = {
  200: {
    description: "The torrent, its details (null until fetched), files and repair attempts",
    schema: torrentDetailSchema,
  },
  404: { description: "Not in the library" },
};

/** JSON for scripts: the same list and detail the pages show (errors as {error: {code, message}}). */
export const LIBRARY_API: readonly ApiRoute[] = [
  apiRoute(
    {
      method: "get",
      path: "/api/torrents",
      tag: TAG,
      summary: "The mirrored library, filtered, searched, sorted and paged like /torrents",
      query: listQuerySchema,
      responses: {
        200: {
          description: "One page; `next` is the URL of the next page (null on the last)",
          schema: z.object({
            page: z.number(),
            perPage: z.number(),
            pages: z.number(),
            total: z.number(),
            query: z.object({
              provider: z.string(),
              status: z.string(),
              q: z.string(),
              sort: z.string(),
              dir: z.string(),
            }),
            next: z.string().nullable(),
            torrents: z.array(
              z.object({
                id: z.string(),
                provider: z.string(),
                name: z.string(),
                status: z.string(),
                bytes: z.number(),
                progress: z.number(),
                added: z.string().nullable(),
                host: z.string().nullable(),
                links: z.number(),
                hasDetails: z.boolean(),
                removedAt: z.number().nullable(),
              }),
            ),
            counts: z.object({
              byStatus: z.record(z.string(), z.number()).describe("present torrents per status"),
              present: z.number(),
              removed: z.number(),
              withDetails: z.number(),
            }),
            providers: z.array(z.object({ provider: z.string(), count: z.number(), bytes: z.number() })),
          }),
        },
      },
    },
    (c, input, deps) => {
      const query = toListQuery(input.query);
      const result = listTorrents(deps, query);
      return c.json({
        page: result.page,
        perPage: result.perPage,
        pages: result.pages,
        total: result.total,
        query: {
          provider: query.provider,
          status: query.status,
          q: query.q,
          sort: query.sort,
          dir: query.dir,
        },
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
    },
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/torrents/:provider/:id",
      tag: TAG,
      summary: "One torrent of one provider with its details and files",
      params: z.object({ provider: z.string(), id: z.string() }),
      responses: detailResponses,
    },
    (c, { params }, deps) => c.json(detailJson(deps, { provider: params.provider, id: params.id })),
  ),
  apiRoute(
    {
      method: "get",
      path: "/api/torrents/:id",
      tag: TAG,
      summary: "One torrent by id alone: the one provider that has it (400 naming them when several do)",
      params: z.object({ id: z.string() }),
      responses: detailResponses,
    },
    (c, { params }, deps) => c.json(detailJson(deps, resolveTorrentId(deps, params.id))),
  ),
];
