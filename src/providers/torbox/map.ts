import type { ProviderFile, ProviderTorrentInfo, TorrentStatus } from "../types.ts";
import { type TbTorrent, tbFile, tbTorrent } from "./wire.ts";

/**
 * TorBox `download_state` → our Real-Debrid vocabulary. The documented words are "downloading",
 * "uploading", "stalled (no seeds)", "paused", "completed", "cached", "metaDL" and
 * "checkingResumeData"; "all other statuses are basic qBittorrent states". The flags
 * `download_finished` / `download_present` decide completion, before any word (see statusOf).
 */
const STATE_WORDS: Record<string, TorrentStatus> = {
  // Metadata not known yet: no file list (Real-Debrid's magnet conversion).
  metadl: "magnet_conversion",
  // Waiting for a slot or checking: nothing transferred yet.
  queueddl: "queued",
  queued: "queued",
  checkingdl: "queued",
  checkingresumedata: "queued",
  allocating: "queued",
  paused: "queued",
  pauseddl: "queued",
  stoppeddl: "queued",
  // Transferring from peers.
  downloading: "downloading",
  forceddl: "downloading",
  stalleddl: "downloading",
  "stalled (no seeds)": "downloading",
  // Transferred, being moved to TorBox's storage (not finished until download_finished).
  completed: "uploading",
  uploading: "uploading",
  stalledup: "uploading",
  forcedup: "uploading",
  queuedup: "uploading",
  pausedup: "uploading",
  checkingup: "uploading",
  stoppedup: "uploading",
  moving: "uploading",
  cached: "uploading",
  // Failures of the torrent client.
  error: "error",
  missingfiles: "error",
  failed: "error",
};

/**
 * Our status for one TorBox torrent.
 * - finished and present → `downloaded`;
 * - finished but no longer present (TorBox dropped the files from its storage) → `dead`: the links
 *   are gone and re-adding the torrent brings it back, which is what `dead` means to repair;
 * - an infected file → `virus`;
 * - otherwise the state word; an unknown word is kept as it comes (never crash on a new status).
 */
export function statusOf(
  t: Pick<TbTorrent, "download_state" | "download_finished" | "download_present">,
  infected = false,
): string {
  if (infected) return "virus";
  if (t.download_finished) return t.download_present ? "downloaded" : "dead";
  const word = t.download_state.trim().toLowerCase();
  const known = STATE_WORDS[word] ?? STATE_WORDS[word.replace(/\s*\(.*\)$/, "")];
  if (known) return known;
  if (word.startsWith("failed")) return "error";
  return t.download_state;
}

/** The restricted link of one file: the requestdl call without its token (unrestrictLink adds it). */
export function fileLink(apiBase: string, torrentId: number | string, fileId: number): string {
  return `${apiBase}/torrents/requestdl?torrent_id=${torrentId}&file_id=${fileId}`;
}

/** torrent_id and file_id back from a link made by fileLink, or null. */
export function parseFileLink(link: string): { torrentId: string; fileId: string } | null {
  if (!URL.canParse(link)) return null;
  const params = new URL(link).searchParams;
  const torrentId = params.get("torrent_id");
  const fileId = params.get("file_id");
  if (!torrentId || !fileId || !/^\d+$/.test(torrentId) || !/^\d+$/.test(fileId)) return null;
  return { torrentId, fileId };
}

const isoOrNull = (v: string | null | undefined): string | null => {
  if (!v) return null;
  const t = Date.parse(v.endsWith("Z") || /[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
};

/**
 * One mylist entry → everything we know (the list carries the files, so list and detail are the
 * same shape). Files keep TorBox's ids and get Real-Debrid style paths: the torrent's own folder
 * (the first segment of `name`) is dropped, as Real-Debrid paths start inside the torrent.
 * TorBox has no file selection: every file is selected. Null for an entry without an id.
 */
export function mapTorrent(raw: unknown, apiBase: string): ProviderTorrentInfo | null {
  const parsed = tbTorrent.safeParse(raw);
  if (!parsed.success) return null;
  const t = parsed.data;
  const files: ProviderFile[] = [];
  let infected = false;
  for (const entry of t.files ?? []) {
    const file = tbFile.safeParse(entry);
    if (!file.success) continue;
    infected ||= file.data.infected === true;
    files.push({
      id: file.data.id,
      path: filePath(file.data.name, t.name),
      bytes: file.data.size,
      selected: true,
    });
  }
  const status = statusOf(t, infected);
  const active = !t.download_finished && (status === "downloading" || status === "magnet_conversion");
  const filename = t.name.normalize("NFC");
  return {
    id: String(t.id),
    filename,
    hash: t.hash ? t.hash.toLowerCase() : null,
    status,
    bytes: t.size,
    progress: status === "downloaded" ? 100 : Math.min(100, Math.round(t.progress * 10_000) / 100),
    host: "torbox.app",
    split: null,
    speed: active ? (t.download_speed ?? null) : null,
    seeders: active ? (t.seeds ?? null) : null,
    links: status === "downloaded" ? files.map((f) => fileLink(apiBase, t.id, f.id)) : [],
    added: isoOrNull(t.created_at),
    ended: t.download_finished ? isoOrNull(t.cached_at ?? t.updated_at) : null,
    providerStatus: t.download_state,
    originalFilename: filename,
    originalBytes: t.size,
    files,
  };
}

/** "Folder/Sub/file.mkv" → "/Sub/file.mkv" when Folder is the torrent's name; "/file.mkv" alone. */
function filePath(name: string, torrentName: string): string {
  const parts = name
    .normalize("NFC")
    .split("/")
    .filter((p) => p !== "");
  if (parts.length > 1 && parts[0] === torrentName.normalize("NFC")) parts.shift();
  return `/${parts.join("/")}`;
}
