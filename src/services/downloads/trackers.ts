import { getTorrent, type TorrentPatch, updateTorrent } from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { FINAL_STAGE } from "../../domain/download-stage.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../errors.ts";
import { notifyChanged } from "./events.ts";
import type { DownloadTorrentRow } from "./queries.ts";

/**
 * A torrent's trackers: the magnet's `tr` or the .torrent's announce list, then as a client edits
 * them (torrents/addTrackers, editTracker, removeTrackers). Redriva never announces (the debrid
 * service fetches the torrent); they are kept so clients read back what they set.
 */
export function trackerList(t: Pick<DownloadTorrentRow, "trackers">): string[] {
  return t.trackers.split("\n").filter((u) => u !== "");
}

/** Trackers as stored: unique, trimmed, newline-separated. */
export function joinTrackers(urls: string[]): string {
  return [...new Set(urls.map((u) => u.trim()).filter((u) => u !== ""))].join("\n");
}

function torrentFor(deps: Deps, hash: string) {
  const row = getTorrent(deps.dbh.db, hash.trim().toLowerCase());
  if (!row || row.stage === FINAL_STAGE) throw new NotFoundError("torrent", hash);
  return row;
}

function save(deps: Deps, hash: string, urls: string[]): void {
  const patch: TorrentPatch = { trackers: joinTrackers(urls) };
  updateTorrent(deps.dbh.db, hash, patch);
  notifyChanged(deps);
}

const isAnnounceUrl = (url: string) => /^(https?|udp|wss?):\/\/[^\s]+$/i.test(url) && URL.canParse(url);

export function addTrackers(deps: Deps, hash: string, urls: string[]): void {
  const row = torrentFor(deps, hash);
  save(deps, row.hash, [...trackerList(row), ...urls.filter(isAnnounceUrl)]);
}

/** qBittorrent's rules: 400 for an invalid new URL, 409 when the old one is missing or the new one exists. */
export function editTracker(deps: Deps, hash: string, origUrl: string, newUrl: string): void {
  const row = torrentFor(deps, hash);
  if (!isAnnounceUrl(newUrl.trim())) throw new ValidationError("New tracker URL is invalid");
  const list = trackerList(row);
  const at = list.indexOf(origUrl.trim());
  if (at < 0) throw new ConflictError("Tracker not found");
  if (list.includes(newUrl.trim())) throw new ConflictError("New tracker URL already exists");
  list[at] = newUrl.trim();
  save(deps, row.hash, list);
}

/** 409 when none of `urls` is a tracker of the torrent (qBittorrent: "All urls were not found"). */
export function removeTrackers(deps: Deps, hash: string, urls: string[]): void {
  const row = torrentFor(deps, hash);
  const list = trackerList(row);
  const drop = new Set(urls.map((u) => u.trim()));
  const kept = list.filter((u) => !drop.has(u));
  if (kept.length === list.length) throw new ConflictError("No such URL found");
  save(deps, row.hash, kept);
}
