import type { ArrKind } from "../../src/services/arr/types.ts";
import { answerImportRoutes, type FakeDownloadClient, type FakeHistoryRecord } from "./arr-imports.ts";

/**
 * A fake Sonarr or Radarr over real HTTP (127.0.0.1, port 0), following the v3 API shapes the
 * client uses: GET /api/v3/system/status, GET /api/v3/series (Sonarr) or /api/v3/movie (Radarr),
 * POST /api/v3/command (201 + command resource), GET /api/v3/command/:id, GET /api/v3/rootfolder. The key is checked
 * like the real ones (X-Api-Key header or apikey query; 401 otherwise). Every command received
 * is recorded in `commands`. Download clients and history: arr-imports.ts. The queue (GET /api/v3/queue paged, DELETE /api/v3/queue/:id) holds
 * the grabs a test puts there with `grab()`; deletes are recorded in `queueDeletes`.
 */
export interface FakeArrItem {
  id: number;
  title: string;
  path: string;
}

export interface RecordedCommand {
  id: number;
  name: string;
  body: Record<string, unknown>;
}

/** A queue record as Sonarr/Radarr v3 list it (GET /api/v3/queue), reduced to the fields that matter. */
export interface FakeQueueRecord {
  id: number;
  /** The info-hash, upper-case, as the *arr stores a qBittorrent download id. */
  downloadId: string;
  title: string;
  seriesId?: number;
  episodeId?: number;
  seasonNumber?: number;
  movieId?: number;
}

/** One DELETE /api/v3/queue/{id} received, with its query (removeFromClient, blocklist, skipRedownload). */
export interface QueueDelete {
  id: number;
  query: Record<string, string>;
}

export interface FakeArr {
  kind: ArrKind;
  url: string;
  port: number;
  apiKey: string;
  items: FakeArrItem[];
  commands: RecordedCommand[];
  /** Requests seen (method + path), to assert nothing unexpected was called. */
  requests: string[];
  /** Answer every request with this status until cleared (simulates an outage). */
  failWith: number | null;
  /** GET /api/v3/downloadclient (build entries with `qbitDownloadClient`). */
  downloadClients: FakeDownloadClient[];
  /** GET /api/v3/history[/since] (add imports with `importRecord`). */
  history: FakeHistoryRecord[];
  queue: FakeQueueRecord[];
  queueDeletes: QueueDelete[];
  /** Query strings of every GET /api/v3/queue (paging and include flags). */
  queueReads: Record<string, string>[];
  /** GET /api/v3/rootfolder: the root folders (default: the folders holding the items). */
  rootFolders: string[];
  /**
   * Records a grab in the queue (one record per episode id for a season pack), as the *arr does
   * once it sees the torrent in its download client. Returns the records' ids.
   */
  grab(
    hash: string,
    item: { title: string; movieId?: number; seriesId?: number; episodeIds?: number[] },
  ): number[];
  /** Called on a queue DELETE with removeFromClient=true (the real *arr then deletes it in the client). */
  onRemoveFromClient: ((downloadId: string) => Promise<void>) | null;
  stop(): Promise<void>;
}

export function startFakeArr(options: {
  kind: ArrKind;
  apiKey?: string;
  items?: FakeArrItem[];
  version?: string;
  downloadClients?: FakeDownloadClient[];
  rootFolders?: string[];
}) {
  const appName = options.kind === "sonarr" ? "Sonarr" : "Radarr";
  const itemsPath = options.kind === "sonarr" ? "/api/v3/series" : "/api/v3/movie";
  let nextCommandId = 1;
  let nextQueueId = 1001;
  const state = {
    kind: options.kind,
    apiKey: options.apiKey ?? "fake-arr-key-0123456789",
    items: options.items ?? [],
    commands: [] as RecordedCommand[],
    requests: [] as string[],
    failWith: null as number | null,
    downloadClients: options.downloadClients ?? [],
    history: [] as FakeHistoryRecord[],
    queue: [] as FakeQueueRecord[],
    queueDeletes: [] as QueueDelete[],
    queueReads: [] as Record<string, string>[],
    rootFolders: options.rootFolders ?? [
      ...new Set((options.items ?? []).map((i) => i.path.split("/").slice(0, -1).join("/"))),
    ],
    onRemoveFromClient: null as ((downloadId: string) => Promise<void>) | null,
    grab(hash: string, item: { title: string; movieId?: number; seriesId?: number; episodeIds?: number[] }) {
      const episodes = options.kind === "sonarr" ? (item.episodeIds ?? [1]) : [undefined];
      return episodes.map((episodeId) => {
        const record: FakeQueueRecord = {
          id: nextQueueId++,
          downloadId: hash.toUpperCase(),
          title: item.title,
          ...(options.kind === "sonarr"
            ? { seriesId: item.seriesId ?? 1, episodeId, seasonNumber: 1 }
            : { movieId: item.movieId ?? 1 }),
        };
        state.queue.push(record);
        return record.id;
      });
    },
  };
  const commandResource = (cmd: RecordedCommand) => ({
    id: cmd.id,
    name: cmd.name,
    commandName: cmd.name,
    body: { ...cmd.body, sendUpdatesToClient: true },
    priority: "normal",
    status: "queued",
    queued: new Date().toISOString(),
    trigger: "manual",
  });

  /** GET /api/v3/queue: a page of records, 1-based, default pageSize 10 as the real ones. */
  const queuePage = (url: URL) => {
    state.queueReads.push(Object.fromEntries(url.searchParams));
    const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
    const pageSize = Math.max(1, Number(url.searchParams.get("pageSize") ?? 10) || 10);
    const records = state.queue.slice((page - 1) * pageSize, page * pageSize).map((r) => ({
      ...r,
      status: "warning",
      trackedDownloadStatus: "warning",
      trackedDownloadState: "downloading",
      statusMessages: [],
      errorMessage: "qBittorrent is reporting an error",
      protocol: "torrent",
      downloadClient: "Redriva",
      indexer: "Fake Indexer",
      size: 1000,
      sizeleft: 1000,
    }));
    return Response.json({
      page,
      pageSize,
      sortKey: "timeleft",
      sortDirection: "ascending",
      totalRecords: state.queue.length,
      records,
    });
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      state.requests.push(`${req.method} ${url.pathname}`);
      if (state.failWith) return new Response("failure", { status: state.failWith });
      const key = req.headers.get("x-api-key") ?? url.searchParams.get("apikey");
      if (key !== state.apiKey) return new Response("Unauthorized", { status: 401 });

      if (req.method === "GET" && url.pathname === "/api/v3/system/status") {
        return Response.json({
          appName,
          instanceName: appName,
          version: options.version ?? (options.kind === "sonarr" ? "3.0.10.1567" : "3.2.2.5080"),
          isLinux: true,
          authentication: "none",
          urlBase: "",
        });
      }
      if (req.method === "GET" && url.pathname === itemsPath) {
        return Response.json(
          state.items.map((item) => ({
            ...item,
            sortTitle: item.title.toLowerCase(),
            monitored: true,
            rootFolderPath: item.path.split("/").slice(0, -1).join("/"),
          })),
        );
      }
      if (req.method === "GET" && url.pathname === "/api/v3/rootfolder") {
        // As the real ones list them: the path with a trailing separator.
        return Response.json(
          state.rootFolders.map((path, i) => ({
            id: i + 1,
            path: path.endsWith("/") ? path : `${path}/`,
            accessible: true,
            freeSpace: 1_000_000_000,
            unmappedFolders: [],
          })),
        );
      }
      if (req.method === "POST" && url.pathname === "/api/v3/command") {
        let body: Record<string, unknown>;
        try {
          body = (await req.json()) as Record<string, unknown>;
        } catch {
          return Response.json({ message: "invalid JSON" }, { status: 400 });
        }
        if (typeof body.name !== "string" || body.name === "") {
          return Response.json([{ propertyName: "Name", errorMessage: "'Name' must not be empty." }], {
            status: 400,
          });
        }
        const cmd: RecordedCommand = { id: nextCommandId++, name: body.name, body };
        state.commands.push(cmd);
        return Response.json(commandResource(cmd), { status: 201 });
      }
      if (req.method === "GET" && url.pathname === "/api/v3/queue") return queuePage(url);
      const queueMatch = /^\/api\/v3\/queue\/(\d+)$/.exec(url.pathname);
      if (req.method === "DELETE" && queueMatch) {
        const record = state.queue.find((r) => r.id === Number(queueMatch[1]));
        if (!record) return Response.json({ message: "NotFound" }, { status: 404 });
        const query = Object.fromEntries(url.searchParams);
        state.queueDeletes.push({ id: record.id, query });
        // The whole tracked download goes (every episode record of a season pack).
        state.queue = state.queue.filter((r) => r.downloadId !== record.downloadId);
        if (query.removeFromClient !== "false" && state.onRemoveFromClient)
          await state.onRemoveFromClient(record.downloadId);
        return new Response(null, { status: 200 });
      }
      const commandMatch = /^\/api\/v3\/command\/(\d+)$/.exec(url.pathname);
      if (req.method === "GET" && commandMatch) {
        const cmd = state.commands.find((c) => c.id === Number(commandMatch[1]));
        if (!cmd) return new Response("Not Found", { status: 404 });
        return Response.json({ ...commandResource(cmd), status: "completed" });
      }
      const imports = answerImportRoutes(state, req.method, url);
      if (imports) return imports;
      return new Response("Not Found", { status: 404 });
    },
  });

  const fake = state as FakeArr & typeof state;
  fake.port = server.port as number;
  fake.url = `http://127.0.0.1:${server.port}`;
  fake.stop = async () => {
    await server.stop(true);
  };
  return fake as FakeArr;
}
