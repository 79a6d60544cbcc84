import type { Deps } from "../../deps.ts";
import {
  type DownloadTorrentRow,
  downloadsChangeVersion,
  listDownloads,
} from "../../services/downloads/queries.ts";
import { type QbitTorrent, queuePositions, toQbitTorrent, type WireContext } from "./wire.ts";

/**
 * torrents/info: one query, the qBit mapper, the filters qBittorrent applies server-side. The
 * serialised answer is cached per query until anything changes (a write through the repo or by
 * another process) or 5 s pass (time-based fields; qBittorrent itself refreshes them every 1.5 s):
 * an *arr polling every minute, or a dashboard every second, costs one build per change.
 */
export interface InfoQuery {
  filter?: string;
  category?: string;
  tag?: string;
  hashes?: string[];
  sort?: string;
  reverse?: boolean;
  limit?: number;
  offset?: number;
}

const FILTERS: Record<string, (t: QbitTorrent) => boolean> = {
  all: () => true,
  downloading: (t) =>
    [
      "downloading",
      "metaDL",
      "forcedMetaDL",
      "stalledDL",
      "queuedDL",
      "pausedDL",
      "forcedDL",
      "checkingDL",
    ].includes(t.state),
  seeding: (t) => ["uploading", "stalledUP", "queuedUP", "forcedUP", "checkingUP"].includes(t.state),
  completed: (t) => t.state.endsWith("UP"),
  paused: (t) => t.state === "pausedDL" || t.state === "pausedUP",
  stopped: (t) => t.state === "pausedDL" || t.state === "pausedUP",
  resumed: (t) => t.state !== "pausedDL" && t.state !== "pausedUP",
  running: (t) => t.state !== "pausedDL" && t.state !== "pausedUP",
  active: (t) => t.dlspeed > 0 || t.state === "moving",
  inactive: (t) => !(t.dlspeed > 0 || t.state === "moving"),
  stalled: (t) => t.state === "stalledDL" || (t.state as string) === "stalledUP",
  stalled_uploading: (t) => (t.state as string) === "stalledUP",
  stalled_downloading: (t) => t.state === "stalledDL",
  checking: (t) => t.state.startsWith("checking"),
  moving: (t) => t.state === "moving",
  errored: (t) => t.state === "error" || (t.state as string) === "missingFiles",
};

export function torrentsInfo(deps: Deps, query: InfoQuery, now = deps.clock.now()): QbitTorrent[] {
  const rows = listDownloads(deps);
  const ctx: WireContext = {
    now,
    config: deps.config.downloads,
    positions: queuePositions(rows),
    steps: deps.downloads.postSteps,
  };
  let selected: DownloadTorrentRow[] = rows;
  if (query.category !== undefined) selected = selected.filter((r) => r.category === query.category);
  if (query.hashes) {
    const wanted = new Set(query.hashes);
    selected = selected.filter((r) => wanted.has(r.hash));
  }
  if (query.tag !== undefined) {
    selected = selected.filter((r) =>
      query.tag === "" ? r.tags === "" : r.tags.split(",").includes(query.tag as string),
    );
  }
  let list = selected.map((r) => toQbitTorrent(r, ctx));
  // Own keys only: `filter=__proto__` or `sort=constructor` must not reach Object.prototype.
  const filterName = query.filter ?? "all";
  const filter = Object.hasOwn(FILTERS, filterName) ? FILTERS[filterName] : undefined;
  if (filter) list = list.filter(filter);
  if (query.sort && list.length > 0 && Object.hasOwn(list[0] as object, query.sort)) {
    const key = query.sort as keyof QbitTorrent;
    list.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0));
  }
  if (query.reverse) list.reverse();
  const offset = query.offset && query.offset > 0 ? query.offset : 0;
  if (query.offset && query.offset < 0) list = list.slice(Math.max(0, list.length + query.offset));
  else if (offset) list = list.slice(offset);
  if (query.limit && query.limit > 0) list = list.slice(0, query.limit);
  return list;
}

/** Time-based fields (seeding_time, time_active, stalled) may lag this much behind. */
const TIME_BUCKET_MS = 5_000;

/**
 * The JSON of torrents/info for `query`, from the cache when nothing changed; gzipped (once per
 * cache entry) for clients that accept it: Sonarr and Radarr do (gzip, br), and 1,000 torrents
 * are 1.3 MB of JSON but ~10× less compressed.
 */
export function torrentsInfoBody(deps: Deps, query: InfoQuery, gzip = false): Uint8Array {
  const now = deps.clock.now();
  const version = `${downloadsChangeVersion(deps)}:${Math.floor(now / TIME_BUCKET_MS)}`;
  const entry = deps.torrentsInfoCache.get(version, JSON.stringify(query), () => ({
    raw: new TextEncoder().encode(JSON.stringify(torrentsInfo(deps, query, now))),
  }));
  if (!gzip) return entry.raw;
  entry.gzip ??= Bun.gzipSync(entry.raw as Uint8Array<ArrayBuffer>, { level: 4 });
  return entry.gzip;
}
