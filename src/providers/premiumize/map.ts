import type { ProviderFile, ProviderTorrent, ProviderTorrentInfo, TorrentStatus } from "../types.ts";
import type { PmItem, PmItemDetails, PmTransfer } from "./wire.ts";

/**
 * Premiumize transfer statuses → our Real-Debrid vocabulary. Why each lands where it does:
 * - waiting: the transfer exists but has not started (metadata not fetched yet) → magnet_conversion.
 * - seeding: the content is in the cloud and the transfer seeds back → downloaded.
 * - timeout: nothing came in time (no peers) → dead: re-adding may help, as with AllDebrid's "no peer".
 * - deleted: the content is gone → dead (repair re-adds it).
 * - banned: Premiumize refused the content (copyright) → error, never retried as "dead".
 * Unknown words are kept as they come (the library never crashes on a new status).
 */
export const PM_STATUS_MAP: Readonly<Record<string, TorrentStatus>> = {
  waiting: "magnet_conversion",
  queued: "queued",
  running: "downloading",
  seeding: "downloaded",
  finished: "downloaded",
  error: "error",
  timeout: "dead",
  deleted: "dead",
  banned: "error",
};

export function statusOf(pmStatus: string): string {
  return PM_STATUS_MAP[pmStatus.toLowerCase()] ?? pmStatus;
}

/**
 * Premiumize has no "restricted link" to unrestrict: a finished transfer's files carry direct
 * links. We hand the rest of Redriva a stable reference to the cloud item instead (the file's page
 * on premiumize.me) and turn it into a fresh direct link with /item/details when a download starts,
 * which is exactly when Real-Debrid's unrestrict happens. Direct links expire; item ids do not.
 */
export const ITEM_LINK_PREFIX = "https://www.premiumize.me/file?id=";

export function itemLink(itemId: string): string {
  return `${ITEM_LINK_PREFIX}${encodeURIComponent(itemId)}`;
}

/** The item id inside one of our item links, or null for anything else. */
export function itemIdOf(link: string): string | null {
  if (!link.startsWith(ITEM_LINK_PREFIX)) return null;
  const id = decodeURIComponent(link.slice(ITEM_LINK_PREFIX.length));
  return id !== "" ? id : null;
}

const unixToIso = (v: number | null | undefined): string | null =>
  typeof v === "number" && Number.isFinite(v) && v > 0 ? new Date(v * 1000).toISOString() : null;

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * The v1 info-hash (lower-case hex) of a magnet's `xt=urn:btih:`, hex or base32; null otherwise.
 * Providers import nothing from domain/, so this small reading lives here.
 */
export function btihOf(magnet: string): string | null {
  const value = /[?&]xt=urn:btih:([^&]+)/i.exec(magnet)?.[1]?.trim() ?? "";
  if (/^[0-9a-f]{40}$/i.test(value)) return value.toLowerCase();
  if (!/^[A-Z2-7]{32}$/i.test(value)) return null;
  let bits = "";
  for (const c of value.toUpperCase()) bits += BASE32.indexOf(c).toString(2).padStart(5, "0");
  let hex = "";
  for (let i = 0; i < 160; i += 4) hex += Number.parseInt(bits.slice(i, i + 4), 2).toString(16);
  return hex;
}

/** The info-hash of a transfer, read from its `src` magnet (null for links and NZBs). */
export function hashOf(transfer: Pick<PmTransfer, "src">): string | null {
  return transfer.src ? btihOf(transfer.src) : null;
}

/** One transfer of /transfer/list → ProviderTorrent. Sizes are unknown until the files are read. */
export function mapTransfer(t: PmTransfer): ProviderTorrent {
  const status = statusOf(t.status);
  const raw = typeof t.progress === "number" && Number.isFinite(t.progress) ? t.progress : 0;
  // 0..1 on the wire; finished transfers report 0 again.
  const progress = status === "downloaded" ? 100 : Math.min(100, Math.round(raw * 10_000) / 100);
  return {
    id: t.id,
    filename: (t.name ?? "").normalize("NFC"),
    hash: hashOf(t),
    status,
    bytes: 0,
    progress,
    host: "premiumize.me",
    split: null,
    speed: null,
    seeders: null,
    links: [],
    added: unixToIso(t.created_at),
    ended: null,
    providerStatus: t.message ? `${t.status}: ${t.message}` : t.status,
  };
}

export interface CloudFile {
  /** "/Folder/Sub/name.mkv", starting with the transfer's own folder name. */
  path: string;
  bytes: number;
  itemId: string;
}

export const fileFromItem = (item: PmItem | PmItemDetails, path: string): CloudFile => ({
  path: path.normalize("NFC"),
  bytes: typeof item.size === "number" && Number.isFinite(item.size) ? item.size : 0,
  itemId: item.id,
});

/** A transfer plus its cloud files → ProviderTorrentInfo (every file selected: no selection). */
export function mapTransferInfo(t: PmTransfer, files: CloudFile[]): ProviderTorrentInfo {
  const item = mapTransfer(t);
  const list: ProviderFile[] = files.map((f, i) => ({
    id: i + 1,
    path: f.path,
    bytes: f.bytes,
    selected: true,
  }));
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  return {
    ...item,
    bytes,
    links: item.status === "downloaded" ? files.map((f) => itemLink(f.itemId)) : [],
    originalFilename: item.filename,
    originalBytes: bytes,
    files: list,
  };
}
