import type { RdTorrentInfo, RdTorrentItem } from "../../providers/realdebrid/wire.ts";
import type { FakeTorrent } from "../library.ts";

/** The documented JSON of GET /torrents items and GET /torrents/info/{id}. */
export function listItemJson(t: FakeTorrent): RdTorrentItem {
  const selected = t.files.filter((f) => f.selected);
  const item: RdTorrentItem = {
    id: t.id,
    filename: t.filename,
    hash: t.hash,
    bytes: selected.reduce((sum, f) => sum + f.bytes, 0),
    host: t.host,
    split: t.split,
    progress: t.progress,
    status: t.status,
    added: t.added,
    links: t.linkIds.map((l) => `https://real-debrid.com/d/${l}`),
  };
  if (t.ended) item.ended = t.ended;
  if (t.speed !== null && ["downloading", "compressing", "uploading"].includes(t.status))
    item.speed = t.speed;
  if (t.seeders !== null && ["downloading", "magnet_conversion"].includes(t.status)) item.seeders = t.seeders;
  return item;
}

export function infoJson(t: FakeTorrent): RdTorrentInfo {
  const known = t.status !== "magnet_conversion";
  return {
    ...listItemJson(t),
    original_filename: t.originalFilename,
    original_bytes: known ? t.files.reduce((sum, f) => sum + f.bytes, 0) : 0,
    files: known
      ? t.files.map((f) => ({ id: f.id, path: f.path, bytes: f.bytes, selected: f.selected ? 1 : 0 }))
      : [],
  };
}
