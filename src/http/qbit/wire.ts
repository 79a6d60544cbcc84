import { join } from "node:path";
import type { DownloadsConfig } from "../../config/sections/downloads.ts";

import { buildMagnet } from "../../domain/magnet.ts";
import { isSymlinkMode } from "../../services/downloads/mode.ts";
import { ETA_UNKNOWN, etaSeconds } from "../../services/downloads/progress.ts";
import type { DownloadFile, DownloadTorrentRow } from "../../services/downloads/queries.ts";

/**
 * Every qBittorrent JSON shape Redriva answers, built from domain rows by the functions below and
 * nowhere else. Field names and JSON types follow qBittorrent 4.5.2 / WebAPI 2.8.19
 * (as Sonarr/Radarr parse them): integers stay integers, unknown is -1 or 8640000.
 */

export const WEBAPI_VERSION = "2.8.19";
export const APP_VERSION = "v4.5.2";

/** The only state strings Redriva reports (qBittorrent 4.x names, understood by every *arr). */
export const QBIT_STATES = [
  "error",
  "pausedUP",
  "pausedDL",
  "moving",
  "metaDL",
  "forcedMetaDL",
  "queuedDL",
  "downloading",
  "forcedDL",
  "stalledDL",
  "checkingDL",
] as const;
export type QbitState = (typeof QBIT_STATES)[number];

/** No bytes for this long while "downloading" means stalled (the *arr shows a warning). */
export const STALLED_AFTER_MS = 120_000;

export interface QbitTorrent {
  added_on: number;
  amount_left: number;
  auto_tmm: boolean;
  availability: number;
  category: string;
  completed: number;
  completion_on: number;
  content_path: string;
  dl_limit: number;
  dlspeed: number;
  download_path: string;
  downloaded: number;
  downloaded_session: number;
  eta: number;
  f_l_piece_prio: boolean;
  force_start: boolean;
  hash: string;
  inactive_seeding_time_limit: number;
  infohash_v1: string;
  infohash_v2: string;
  last_activity: number;
  magnet_uri: string;
  max_inactive_seeding_time: number;
  max_ratio: number;
  max_seeding_time: number;
  name: string;
  num_complete: number;
  num_incomplete: number;
  num_leechs: number;
  num_seeds: number;
  priority: number;
  progress: number;
  ratio: number;
  ratio_limit: number;
  save_path: string;
  seeding_time: number;
  seeding_time_limit: number;
  seen_complete: number;
  seq_dl: boolean;
  size: number;
  state: QbitState;
  super_seeding: boolean;
  tags: string;
  time_active: number;
  total_size: number;
  tracker: string;
  trackers_count: number;
  up_limit: number;
  uploaded: number;
  uploaded_session: number;
  upspeed: number;
}

/** What a torrent row needs besides itself to be shown. */
export interface WireContext {
  now: number;
  config: DownloadsConfig;
  /** Queue position (1-based) of unfinished torrents, 0 for finished ones. */
  positions: Map<string, number>;
  /** Steps after the download running now (their 0..1 progress), by hash. */
  steps?: ReadonlyMap<string, { progress: number | null }>;
}

const secs = (ms: number) => Math.floor(ms / 1000);
/** A byte count as the *arrs need it: a non-negative safe integer, whatever the row holds. */
const bytes = (n: number) =>
  Number.isFinite(n) ? Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.trunc(n))) : 0;

/**
 * The one place that decides a torrent's qBittorrent state. In symlink mode, waiting for the
 * files in the mount is `checkingDL` (the *arr shows it queued) and linking is `moving`.
 */
export function qbitState(
  t: DownloadTorrentRow,
  now: number,
  symlink = false,
  stepRunning = true,
): QbitState {
  switch (t.stage) {
    case "error":
      return "error";
    case "done":
      return "pausedUP";
    case "moving":
    case "extracting":
    case "hook":
      // The steps after the download (move, extraction, DOWNLOAD_ON_COMPLETE): the *arr waits.
      // Paused shows once the step has really stopped (post-download/runner.ts).
      return t.paused && !stepRunning ? "pausedDL" : "moving";
  }
  if (t.paused || t.blocked === "disk") return "pausedDL";
  if (t.stage === "queued") {
    // A .torrent or a file host link: nothing like a magnet's metadata to fetch.
    if (t.source_kind !== "magnet") return "queuedDL";
    return t.force_start ? "forcedMetaDL" : "metaDL";
  }
  if (t.stage === "provider") {
    switch (t.provider_status) {
      case "queued":
        return "queuedDL";
      case "downloading":
      case "compressing":
      case "uploading":
        return t.force_start ? "forcedDL" : "downloading";
      default:
        return t.force_start ? "forcedMetaDL" : "metaDL";
    }
  }
  if (symlink && t.stage === "waiting") return "checkingDL";
  if (t.stage === "downloading") {
    if (now - t.progress_at > STALLED_AFTER_MS) return "stalledDL";
    return t.force_start ? "forcedDL" : "downloading";
  }
  return "queuedDL";
}

/**
 * qBittorrent's content_path: save_path/<name> as soon as the name is known (a .torrent at once,
 * a magnet once the provider has resolved it), the real final path once done. An *arr imports
 * only Completed torrents, so the path is never read before the files are there.
 */
function contentPath(t: DownloadTorrentRow): string {
  if (t.stage === "done" && t.content_path) return t.content_path;
  if (t.root_name) return join(t.save_path, t.root_name);
  const metadataKnown = t.source_kind === "torrent" || t.size > 0;
  return metadataKnown ? join(t.save_path, t.name) : "";
}

function eta(t: DownloadTorrentRow, state: QbitState): number {
  if (state === "pausedUP" || state === "error" || state === "pausedDL") return ETA_UNKNOWN;
  if (t.stage === "provider") {
    if (t.provider_speed > 0 && t.size > 0)
      return etaSeconds((t.size * (100 - t.provider_progress)) / 100, t.provider_speed);
    return ETA_UNKNOWN;
  }
  if (t.size <= 0) return ETA_UNKNOWN;
  return etaSeconds(t.size - t.downloaded, t.speed);
}

export function toQbitTorrent(t: DownloadTorrentRow, ctx: WireContext): QbitTorrent {
  const state = qbitState(t, ctx.now, isSymlinkMode(ctx.config, t), ctx.steps?.has(t.hash) ?? true);
  const done = t.stage === "done";
  const size = bytes(t.size);
  const downloaded = done ? size : Math.min(size, bytes(t.downloaded));
  // While archives are extracted, the bar shows the extraction (the bytes are all on disk).
  const extracting = t.stage === "extracting" ? (ctx.steps?.get(t.hash)?.progress ?? 0) : null;
  const progress = done
    ? 1
    : extracting !== null
      ? Math.min(0.9999, extracting)
      : size > 0
        ? Math.min(0.9999, downloaded / size)
        : 0;
  const completion = done && t.completion_on ? secs(t.completion_on) : -1;
  const seedingTime = done && t.completion_on ? Math.max(0, secs(ctx.now - t.completion_on)) : 0;
  return {
    added_on: secs(t.added_on),
    amount_left: size - downloaded,
    auto_tmm: false,
    availability: state === "metaDL" || state === "forcedMetaDL" ? -1 : 1,
    category: t.category,
    completed: downloaded,
    completion_on: completion,
    content_path: contentPath(t),
    dl_limit: -1,
    dlspeed: done ? 0 : bytes(t.speed),
    download_path: "",
    downloaded,
    downloaded_session: downloaded,
    eta: eta(t, state),
    f_l_piece_prio: t.f_l_piece_prio,
    force_start: t.force_start,
    hash: t.hash,
    inactive_seeding_time_limit: Math.trunc(t.inactive_seeding_time_limit),
    infohash_v1: t.hash,
    infohash_v2: "",
    last_activity: secs(t.last_activity),
    // A file host link has no torrent, so no magnet (its hash is Redriva's own key).
    magnet_uri: t.source_kind === "link" ? "" : (t.magnet ?? buildMagnet(t.hash, t.name)),
    max_inactive_seeding_time: -1,
    max_ratio: t.ratio_limit === -2 ? GLOBAL_MAX_RATIO : t.ratio_limit,
    max_seeding_time: t.seeding_time_limit === -2 ? -1 : Math.trunc(t.seeding_time_limit),
    name: t.name,
    num_complete: 0,
    num_incomplete: 0,
    num_leechs: 0,
    num_seeds: 0,
    priority: ctx.positions.get(t.hash) ?? 0,
    progress,
    ratio: 0,
    ratio_limit: t.ratio_limit,
    save_path: t.save_path,
    seeding_time: seedingTime,
    seeding_time_limit: Math.trunc(t.seeding_time_limit),
    seen_complete: completion,
    seq_dl: t.seq_dl,
    size,
    state,
    super_seeding: false,
    tags: t.tags.split(",").filter(Boolean).join(", "),
    time_active: Math.max(0, secs(ctx.now - t.added_on)),
    total_size: state === "metaDL" || state === "forcedMetaDL" ? -1 : size,
    tracker: "",
    trackers_count: t.trackers === "" ? 0 : t.trackers.split("\n").length,
    up_limit: -1,
    uploaded: 0,
    uploaded_session: 0,
    upspeed: 0,
  };
}

/** Queue positions as qBittorrent numbers them: 1.. over unfinished torrents, 0 once finished. */
export function queuePositions(rows: DownloadTorrentRow[]): Map<string, number> {
  const unfinished = rows.filter((r) => r.stage !== "done").sort((a, b) => a.queue_order - b.queue_order);
  return new Map(unfinished.map((r, i) => [r.hash, i + 1]));
}

/**
 * Redriva never seeds: a finished torrent has reached its (global) ratio limit of 0, so an *arr
 * with "Remove Completed" moves the files and removes the torrent (contract section 7). The
 * action stays "pause" (0), so the Test button has nothing to complain about.
 */
export const GLOBAL_MAX_RATIO = 0;

export function preferences(config: DownloadsConfig, username: string | undefined) {
  return {
    save_path: config.dir,
    temp_path_enabled: true,
    temp_path: config.incompleteDir,
    max_ratio_enabled: true,
    max_ratio: GLOBAL_MAX_RATIO,
    max_ratio_act: 0,
    max_seeding_time_enabled: false,
    max_seeding_time: -1,
    max_inactive_seeding_time_enabled: false,
    max_inactive_seeding_time: -1,
    queueing_enabled: true,
    max_active_downloads: config.maxConcurrent,
    max_active_torrents: config.maxConcurrent,
    max_active_uploads: 0,
    dht: true,
    pex: false,
    lsd: false,
    auto_tmm_enabled: false,
    create_subfolder_enabled: true,
    start_paused_enabled: false,
    web_ui_username: username ?? "",
    web_ui_port: 0,
    locale: "en",
    // qBittorrent's own defaults for what Redriva has no use for (it never opens a BitTorrent port).
    listen_port: 8999,
    random_port: false,
    max_connec: 500,
    max_connec_per_torrent: 100,
    max_uploads: 20,
    max_uploads_per_torrent: 4,
    announce_ip: "",
    dl_limit: 0,
    up_limit: 0,
  };
}

/** properties; `meta` (an uploaded .torrent) adds its piece layout, creator and private flag. */
export function properties(
  t: DownloadTorrentRow,
  ctx: WireContext,
  meta?: { pieceLength: number; pieces: number; createdBy: string | null; isPrivate: boolean } | null,
) {
  const q = toQbitTorrent(t, ctx);
  return {
    addition_date: q.added_on,
    comment: t.comment ?? "",
    completion_date: q.completion_on,
    created_by: meta?.createdBy ?? "",
    creation_date: t.creation_date ?? -1,
    dl_limit: -1,
    dl_speed: q.dlspeed,
    dl_speed_avg: q.dlspeed,
    download_path: "",
    eta: q.eta,
    hash: t.hash,
    infohash_v1: t.hash,
    infohash_v2: "",
    is_private: meta?.isPrivate ?? false,
    last_seen: q.seen_complete,
    name: t.name,
    nb_connections: 0,
    nb_connections_limit: 100,
    peers: 0,
    peers_total: 0,
    piece_size: meta?.pieceLength ?? 0,
    pieces_have: 0,
    pieces_num: meta?.pieces ?? 0,
    reannounce: 0,
    save_path: t.save_path,
    seeding_time: q.seeding_time,
    seeds: 0,
    seeds_total: 0,
    share_ratio: 0,
    time_elapsed: q.time_active,
    total_downloaded: q.downloaded,
    total_downloaded_session: q.downloaded,
    total_size: q.total_size,
    total_uploaded: 0,
    total_uploaded_session: 0,
    total_wasted: 0,
    up_limit: -1,
    up_speed: 0,
    up_speed_avg: 0,
  };
}

export interface QbitFile {
  index: number;
  name: string;
  size: number;
  progress: number;
  priority: number;
  is_seed: boolean;
  piece_range: [number, number];
  availability: number;
}

/** Files with their path relative to save_path, root folder included for several files. */
export function files(t: DownloadTorrentRow, rows: DownloadFile[]): QbitFile[] {
  const done = t.stage === "done";
  const root = t.root_name ?? t.name;
  return rows.map((f, index) => ({
    index,
    name: f.path === "" ? root : `${root}/${f.path}`,
    size: f.size,
    progress: done || f.status === "complete" ? 1 : f.size > 0 ? Math.min(0.9999, f.completed / f.size) : 0,
    priority: 1,
    is_seed: done,
    piece_range: [0, 0],
    availability: 1,
  }));
}

/**
 * The files of a .torrent before Redriva has any on disk: qBittorrent lists them as soon as the
 * metadata is known. Priority 0 for those a client left out (torrents/filePrio).
 */
export function metadataFiles(
  t: DownloadTorrentRow,
  meta: { name: string | null; files: Array<{ path: string; length: number }> },
  skipped: Set<number>,
): QbitFile[] {
  const root = t.root_name ?? meta.name ?? t.name;
  const single = meta.files.length === 1 && meta.files[0]?.path === meta.name;
  return meta.files.map((f, index) => ({
    index,
    name: single ? root : `${root}/${f.path}`,
    size: f.length,
    progress: 0,
    priority: skipped.has(index) ? 0 : 1,
    is_seed: false,
    piece_range: [0, 0],
    availability: 0,
  }));
}

export function categories(list: Array<{ name: string; savePath: string }>) {
  return Object.fromEntries(list.map((c) => [c.name, { name: c.name, savePath: c.savePath }]));
}

export const BUILD_INFO = {
  qt: "5.15.8",
  libtorrent: "2.0.8.0",
  boost: "1.74.0",
  openssl: "3.0.9",
  zlib: "1.2.13",
  bitness: 64,
};

/** server_state of sync/maindata (transfer/info is the same without the last three fields). */
export function transferState(
  downloading: DownloadTorrentRow[],
  freeSpace: number,
  dlLimit = 0,
  upLimit = 0,
  alternativeSpeed = false,
) {
  return {
    dl_info_speed: downloading.reduce((s, r) => s + bytes(r.speed), 0),
    dl_info_data: downloading.reduce((s, r) => s + bytes(r.downloaded), 0),
    up_info_speed: 0,
    up_info_data: 0,
    dl_rate_limit: bytes(dlLimit),
    up_rate_limit: bytes(upLimit),
    dht_nodes: 0,
    connection_status: "connected",
    free_space_on_disk: Math.trunc(freeSpace),
    queueing: true,
    use_alt_speed_limits: alternativeSpeed,
  };
}

export function transferInfo(state: ReturnType<typeof transferState>) {
  const { free_space_on_disk: _free, queueing: _queueing, use_alt_speed_limits: _alt, ...info } = state;
  return info;
}

export function mainData(
  rid: number,
  torrents: QbitTorrent[],
  categoryMap: ReturnType<typeof categories>,
  tags: string[],
  serverState: ReturnType<typeof transferState>,
) {
  return {
    rid,
    full_update: true,
    torrents: Object.fromEntries(torrents.map(({ hash, ...t }) => [hash, t])),
    categories: categoryMap,
    tags,
    trackers: {},
    server_state: serverState,
  };
}
