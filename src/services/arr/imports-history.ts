/**
 * Reads the import events out of a Sonarr/Radarr v3 history answer: `GET /api/v3/history/since`
 * (an array of HistoryResource) or `GET /api/v3/history` (a paging resource, `records`). An
 * import is a `downloadFolderImported` event (number 3 in both apps' enums, the value sent as the
 * `eventType` filter); its `downloadId` is the download client's id, for qBittorrent the
 * info-hash, upper-cased by the *arrs.
 */
export const DOWNLOAD_FOLDER_IMPORTED = 3;

export interface ImportEvent {
  /** Upper-case, as the *arr stores it. */
  downloadId: string;
  /** Epoch ms, as the *arr dated it. */
  date: number;
  sourceTitle: string | null;
}

interface HistoryResource {
  eventType?: unknown;
  downloadId?: unknown;
  date?: unknown;
  sourceTitle?: unknown;
}

export function importEvents(answer: unknown): ImportEvent[] {
  const records = Array.isArray(answer)
    ? answer
    : Array.isArray((answer as { records?: unknown })?.records)
      ? (answer as { records: unknown[] }).records
      : [];
  const events: ImportEvent[] = [];
  for (const record of records as HistoryResource[]) {
    if (String(record?.eventType).toLowerCase() !== "downloadfolderimported") continue;
    if (typeof record.downloadId !== "string" || record.downloadId === "") continue;
    const date = typeof record.date === "string" ? Date.parse(record.date) : Number.NaN;
    events.push({
      downloadId: record.downloadId.toUpperCase(),
      date: Number.isNaN(date) ? 0 : date,
      sourceTitle: typeof record.sourceTitle === "string" ? record.sourceTitle : null,
    });
  }
  return events;
}
