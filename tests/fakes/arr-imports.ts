import type { ArrKind } from "../../src/services/arr/types.ts";

/**
 * The download-client and history half of the fake Sonarr/Radarr (arr-server.ts routes to it),
 * following their v3 API:
 * - GET /api/v3/downloadclient: DownloadClientResource[] (`implementation`, `enable`, `fields`
 *   as name/value pairs: host, port, urlBase, tvCategory/movieCategory...);
 * - GET /api/v3/history?page&pageSize&eventType&downloadId: a paging resource of HistoryResource;
 * - GET /api/v3/history/since?date&eventType: HistoryResource[] on or after `date`.
 * `downloadId` is compared as the real ones do (SQL equality: case-sensitive); the *arrs store
 * qBittorrent's hash upper-cased (QBittorrent.cs), so that is what `importRecord` writes.
 */
export interface FakeDownloadClient {
  id: number;
  name: string;
  enable: boolean;
  implementation: string;
  fields: Array<{ name: string; value: unknown }>;
}

export interface FakeHistoryRecord {
  id: number;
  eventType: string;
  downloadId: string;
  sourceTitle: string;
  date: string;
  data: Record<string, string>;
}

/** The numbers behind `eventType` query values (EpisodeHistoryEventType / MovieHistoryEventType). */
const EVENT_TYPES: Record<ArrKind, Record<string, number>> = {
  sonarr: {
    grabbed: 1,
    seriesFolderImported: 2,
    downloadFolderImported: 3,
    downloadFailed: 4,
    episodeFileDeleted: 5,
    episodeFileRenamed: 6,
    downloadIgnored: 7,
  },
  radarr: {
    grabbed: 1,
    downloadFolderImported: 3,
    downloadFailed: 4,
    movieFileDeleted: 6,
    movieFolderImported: 8,
    movieFileRenamed: 9,
    downloadIgnored: 10,
  },
};

/** A qBittorrent entry as the *arr stores it; `port` is where it reaches the client. */
export function qbitDownloadClient(
  kind: ArrKind,
  options: {
    id?: number;
    name?: string;
    host?: string;
    port: number;
    category: string;
    importedCategory?: string;
    enable?: boolean;
  },
): FakeDownloadClient {
  const [grab, imported] =
    kind === "sonarr" ? ["tvCategory", "tvImportedCategory"] : ["movieCategory", "movieImportedCategory"];
  return {
    id: options.id ?? 1,
    name: options.name ?? "Redriva",
    enable: options.enable ?? true,
    implementation: "QBittorrent",
    fields: [
      { name: "host", value: options.host ?? "redriva" },
      { name: "port", value: options.port },
      { name: "useSsl", value: false },
      { name: "urlBase", value: "" },
      { name: "username", value: "admin" },
      { name: "password", value: "********" },
      { name: grab as string, value: options.category },
      ...(options.importedCategory === undefined
        ? []
        : [{ name: imported as string, value: options.importedCategory }]),
      { name: "initialState", value: 0 },
      { name: "sequentialOrder", value: false },
      { name: "firstAndLast", value: false },
    ],
  };
}

export interface ImportsState {
  kind: ArrKind;
  downloadClients: FakeDownloadClient[];
  history: FakeHistoryRecord[];
}

/** A DownloadFolderImported record for the torrent with this hash (upper-cased, as the *arrs store it). */
export function importRecord(
  state: ImportsState,
  hash: string,
  options: { date?: Date; title?: string } = {},
) {
  const record: FakeHistoryRecord = {
    id: state.history.length + 1,
    eventType: "downloadFolderImported",
    downloadId: hash.toUpperCase(),
    sourceTitle: options.title ?? `Imported.${hash.slice(0, 6)}`,
    date: (options.date ?? new Date()).toISOString(),
    data: { downloadClient: "Redriva", downloadClientName: "Redriva", importedPath: "/tv/x.mkv" },
  };
  state.history.push(record);
  return record;
}

/** Answers the routes above, or null for any other request. */
export function answerImportRoutes(state: ImportsState, method: string, url: URL): Response | null {
  if (method !== "GET") return null;
  if (url.pathname === "/api/v3/downloadclient") return Response.json(state.downloadClients);
  if (url.pathname === "/api/v3/history/since") {
    const date = Date.parse(url.searchParams.get("date") ?? "");
    if (Number.isNaN(date)) return Response.json({ message: "date is required" }, { status: 400 });
    const eventType = eventTypeFilter(state.kind, url.searchParams.getAll("eventType"));
    return Response.json(
      state.history
        .filter((r) => Date.parse(r.date) >= date && matchesEvent(state.kind, r, eventType))
        .map(shape(state.kind)),
    );
  }
  if (url.pathname === "/api/v3/history") {
    const page = Number(url.searchParams.get("page") ?? 1);
    const pageSize = Number(url.searchParams.get("pageSize") ?? 10);
    const eventType = eventTypeFilter(state.kind, url.searchParams.getAll("eventType"));
    const downloadId = url.searchParams.get("downloadId");
    const matching = state.history
      .filter(
        (r) => matchesEvent(state.kind, r, eventType) && (downloadId === null || r.downloadId === downloadId),
      )
      .sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
    return Response.json({
      page,
      pageSize,
      sortKey: "date",
      sortDirection: "descending",
      totalRecords: matching.length,
      records: matching.slice((page - 1) * pageSize, page * pageSize).map(shape(state.kind)),
    });
  }
  return null;
}

/** `3` or `downloadFolderImported` (enum names bind case-insensitively); null: every event. */
function eventTypeFilter(kind: ArrKind, values: string[]): Set<number> | null {
  if (values.length === 0) return null;
  const numbers = new Set<number>();
  for (const v of values) {
    const byName = Object.entries(EVENT_TYPES[kind]).find(([name]) => name.toLowerCase() === v.toLowerCase());
    numbers.add(byName ? byName[1] : Number(v));
  }
  return numbers;
}

function matchesEvent(kind: ArrKind, record: FakeHistoryRecord, filter: Set<number> | null): boolean {
  return filter === null || filter.has(EVENT_TYPES[kind][record.eventType] ?? 0);
}

const shape = (kind: ArrKind) => (r: FakeHistoryRecord) => ({
  ...r,
  ...(kind === "sonarr" ? { episodeId: 1, seriesId: 1 } : { movieId: 1 }),
  quality: { quality: { id: 7, name: "Bluray-1080p" }, revision: { version: 1, real: 0, isRepack: false } },
  customFormats: [],
  customFormatScore: 0,
  qualityCutoffNotMet: false,
});
