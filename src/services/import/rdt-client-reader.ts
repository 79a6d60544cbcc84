import { columnsOf, openForeignDatabase, selectColumns, tableExists } from "./foreign-db.ts";

/**
 * rdt-client's EF Core database (server/RdtClient.Data, DataContextModelSnapshot): tables
 * `Torrents`, `Downloads` (one row per file fetched to the host) and `Settings` (key/value, keys
 * like "General:Categories"). Guids and DateTimeOffsets are TEXT, enums INTEGER.
 */
export interface RdtTorrent {
  TorrentId: string;
  Hash: string | null;
  Category: string | null;
  Added: string | null;
  Completed: string | null;
  Error: string | null;
  FileOrMagnet: string | null;
  IsFile: number | null;
  /** DownloadType: 0 torrent, 1 NZB. */
  Type: number | null;
  /** Provider enum: 0 RealDebrid, 1 AllDebrid, 2 Premiumize, 3 TorBox, 4 DebridLink. */
  ClientKind: number | null;
  RdId: string | null;
  RdName: string | null;
  RdSize: number | null;
  RdProgress: number | null;
  RdStatusRaw: string | null;
}

export interface RdtDownload {
  TorrentId: string;
  Path: string | null;
  FileName: string | null;
  Link: string | null;
  DownloadFinished: string | null;
  Completed: string | null;
  Error: string | null;
}

export interface RdtClientData {
  torrents: RdtTorrent[];
  downloads: RdtDownload[];
  settings: Map<string, string | null>;
}

const TORRENT_COLUMNS = [
  "TorrentId",
  "Hash",
  "Category",
  "Added",
  "Completed",
  "Error",
  "FileOrMagnet",
  "IsFile",
  "Type",
  "ClientKind",
  "RdId",
  "RdName",
  "RdSize",
  "RdProgress",
  "RdStatusRaw",
] as const;
const DOWNLOAD_COLUMNS = [
  "TorrentId",
  "Path",
  "FileName",
  "Link",
  "DownloadFinished",
  "Completed",
  "Error",
] as const;

/** Reads everything an import needs, read-only, oldest torrent first. */
export function readRdtClient(path: string): RdtClientData {
  const db = openForeignDatabase(path, "rdt-client", ["Torrents", "Settings"]);
  try {
    const torrentColumns = selectColumns(columnsOf(db, "Torrents"), TORRENT_COLUMNS);
    const torrents = db
      .query<RdtTorrent, []>(`SELECT ${torrentColumns} FROM "Torrents" ORDER BY "Added", "TorrentId"`)
      .all();
    const downloads = tableExists(db, "Downloads")
      ? db
          .query<RdtDownload, []>(
            `SELECT ${selectColumns(columnsOf(db, "Downloads"), DOWNLOAD_COLUMNS)} FROM "Downloads" ORDER BY "Added", "Path"`,
          )
          .all()
      : [];
    const settings = new Map(
      db
        .query<{ SettingId: string; Value: string | null }, []>(`SELECT "SettingId", "Value" FROM "Settings"`)
        .all()
        .map((r) => [r.SettingId, r.Value] as const),
    );
    return { torrents, downloads, settings };
  } finally {
    db.close();
  }
}

/** rdt-client's Provider enum → Redriva's provider kind (stored as a number or, in settings, a name). */
const PROVIDER_KINDS = ["realdebrid", "alldebrid", "premiumize", "torbox", "debridlink"] as const;

export function providerKind(value: number | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return PROVIDER_KINDS[value] ?? null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return PROVIDER_KINDS[Number(trimmed)] ?? null;
  const lower = trimmed.toLowerCase();
  return PROVIDER_KINDS.find((k) => k === lower) ?? null;
}

/**
 * A .NET DateTimeOffset as EF Core writes it to SQLite ("2024-01-05 16:41:32.1234567+00:00")
 * → epoch ms, or null when absent or unreadable.
 */
export function parseDotnetDate(value: string | null | undefined): number | null {
  if (!value) return null;
  const iso = value
    .trim()
    .replace(" ", "T")
    .replace(/(\.\d{3})\d+/, "$1");
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}
