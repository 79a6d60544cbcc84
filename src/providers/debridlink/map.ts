import type { ProviderFile, ProviderTorrent, ProviderTorrentInfo, TorrentStatus } from "../types.ts";
import type { DlFile } from "./wire.ts";

/** Transmission's torrent statuses, as Debrid-Link passes them on in `status`. */
export const DL_STATUS_WORDS: Record<number, string> = {
  0: "Stopped",
  1: "Check wait",
  2: "Checking",
  3: "Download wait",
  4: "Downloading",
  5: "Seed wait",
  6: "Seeding",
};

const str = (v: unknown): string | null => (typeof v === "string" ? v : v == null ? null : String(v));
const num = (v: unknown): number | null => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
};

/**
 * Our status for a seedbox torrent. Why each lands where it does:
 * - `error` 3 (local error) is Debrid-Link failing on its side: `error`; `error` 2 (the tracker
 *   refused the torrent) is the magnet's fault: `magnet_error`; 1 is only a tracker warning.
 * - 100 % is `downloaded` whatever the Transmission status (seeding or stopped after seeding).
 * - No files and no size yet: the metadata is still being fetched (`magnet_conversion`).
 * - Stopped before 100 % (status 0): Debrid-Link gave up on it; re-adding may help (`dead`).
 */
export function statusOf(raw: Record<string, unknown>): TorrentStatus {
  const error = num(raw.error) ?? 0;
  if (error === 3) return "error";
  if (error === 2) return "magnet_error";
  const files = Array.isArray(raw.files) ? raw.files : [];
  if ((num(raw.downloadPercent) ?? 0) >= 100 && files.length > 0) return "downloaded";
  if (raw.wait === true) return "waiting_files_selection";
  if (files.length === 0 && !num(raw.totalSize)) return "magnet_conversion";
  switch (num(raw.status)) {
    case 0:
      return "dead";
    case 1:
    case 2:
    case 3:
      return "queued";
    default:
      return "downloading";
  }
}

/** Debrid-Link's own words for the status ("Seeding", or the error string when there is one). */
function providerStatus(raw: Record<string, unknown>): string | null {
  const errorString = str(raw.errorString);
  if ((num(raw.error) ?? 0) > 1 && errorString) return errorString;
  const code = num(raw.status);
  return code !== null ? (DL_STATUS_WORDS[code] ?? String(code)) : null;
}

/** One torrent of seedbox/list (or the seedbox/add answer) → ProviderTorrent; null if it has no id. */
export function mapTorrent(raw: unknown): ProviderTorrent | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  const id = str(r.id);
  if (!id) return null;
  const status = statusOf(r);
  const created = num(r.created);
  const active = status === "downloading" || status === "queued";
  return {
    id,
    filename: (str(r.name) ?? "").normalize("NFC"),
    hash: str(r.hashString)?.toLowerCase() || null,
    status,
    bytes: num(r.totalSize) ?? 0,
    progress: status === "downloaded" ? 100 : Math.max(0, Math.min(100, num(r.downloadPercent) ?? 0)),
    host: "debrid-link.com",
    split: null,
    speed: active ? num(r.downloadSpeed) : null,
    seeders: active ? num(r.peersConnected) : null,
    links: [],
    added: created && created > 0 ? new Date(created * 1000).toISOString() : null,
    ended: null,
    providerStatus: providerStatus(r),
  };
}

/**
 * Files with ids from 1 in the order given, paths with a leading "/" (Real-Debrid style), all
 * selected (Debrid-Link fetches every file), and their direct links index for index.
 */
export function mapFiles(raw: unknown): { files: ProviderFile[]; links: string[] } {
  const files: ProviderFile[] = [];
  const links: string[] = [];
  for (const entry of Array.isArray(raw) ? raw : []) {
    if (!entry || typeof entry !== "object") continue;
    const file = entry as Partial<DlFile>;
    const name = (str(file.name) ?? "").normalize("NFC").replace(/^\/+/, "");
    files.push({ id: files.length + 1, path: `/${name}`, bytes: num(file.size) ?? 0, selected: true });
    links.push(str(file.downloadUrl) ?? "");
  }
  return { files, links };
}

/** A torrent with its files; links only once it is downloaded and every file has one. */
export function mapTorrentInfo(raw: unknown): ProviderTorrentInfo | null {
  const item = mapTorrent(raw);
  if (!item) return null;
  const { files, links } = mapFiles((raw as { files?: unknown }).files);
  const ready = item.status === "downloaded" && links.every((l) => l !== "");
  return {
    ...item,
    links: ready ? links : [],
    originalFilename: item.filename,
    originalBytes: item.bytes,
    files,
  };
}
