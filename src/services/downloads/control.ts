import {
  type DownloadTorrentRow,
  filesOf,
  getCategory,
  insertTags,
  listTorrents,
  queueOrderBounds,
  type TorrentPatch,
  updateFile,
  updateTorrent,
  updateTorrents,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { FINAL_STAGE, moveTo, startOverPatch } from "../../domain/download-stage.ts";
import { ConflictError, ValidationError } from "../../errors.ts";
import { normaliseTags } from "./add.ts";
import { notifyChanged } from "./events.ts";
import { resolveSavePath } from "./paths.ts";

/** Which torrents a verb acts on: hashes (any case) or every torrent. */
export type Selection = string[] | "all";

export function selectTorrents(deps: Deps, selection: Selection): DownloadTorrentRow[] {
  if (selection === "all") return listTorrents(deps.dbh.db);
  const hashes = [...new Set(selection.map((h) => h.trim().toLowerCase()).filter((h) => h !== ""))];
  if (hashes.length === 0) return [];
  return listTorrents(deps.dbh.db, { hashes });
}

function apply(
  deps: Deps,
  selection: Selection,
  patch: (t: DownloadTorrentRow) => TorrentPatch | null,
): number {
  let changed = 0;
  for (const torrent of selectTorrents(deps, selection)) {
    const p = patch(torrent);
    if (!p) continue;
    updateTorrent(deps.dbh.db, torrent.hash, p);
    changed++;
  }
  if (changed > 0) notifyChanged(deps);
  return changed;
}

/** Pause: the downloader stops its aria2c transfers (partial data kept) and starts nothing new. */
export function pauseTorrents(deps: Deps, selection: Selection): number {
  return apply(deps, selection, (t) => (t.stage === "done" || t.paused ? null : { paused: true }));
}

/** Resume; on a torrent in error this is "retry": it starts again where it failed. */
export function resumeTorrents(deps: Deps, selection: Selection): number {
  return apply(deps, selection, (t) => {
    if (t.stage === "error") return retryPatch(deps, t);
    return t.paused ? { paused: false } : null;
  });
}

function retryPatch(deps: Deps, t: DownloadTorrentRow): TorrentPatch {
  const files = filesOf(deps.dbh.db, t.hash);
  if (files.length === 0) return { paused: false, ...startOverPatch(t.stage) };
  for (const f of files)
    if (f.status === "error") updateFile(deps.dbh.db, f.id, { status: "pending", attempts: 0, error: null });
  return { paused: false, ...moveTo(t.stage, "waiting"), error: null, message: null };
}

/**
 * Delete: hidden at once from every list; the downloader removes the aria2c transfers and, with
 * deleteFiles, the partial and the finished data, then forgets the torrent.
 */
export function deleteTorrents(deps: Deps, selection: Selection, deleteFiles: boolean): number {
  return apply(deps, selection, (t) => ({ ...moveTo(t.stage, FINAL_STAGE), delete_files: deleteFiles }));
}

/** setCategory: the category must exist ("" clears it); unfinished torrents follow its folder. */
export function setCategory(deps: Deps, selection: Selection, category: string): number {
  const name = category.trim();
  const row = name === "" ? { name: "", save_path: "" } : getCategory(deps.dbh.db, name);
  if (!row) throw new ConflictError(`Incorrect category name`);
  const target = resolveSavePath(deps.config.downloads, { category: name, categorySavePath: row.save_path });
  return apply(deps, selection, (t) => {
    const patch: TorrentPatch = { category: name };
    if ("path" in target && t.stage !== "done" && t.stage !== "moving") patch.save_path = target.path;
    return patch;
  });
}

export function setForceStart(deps: Deps, selection: Selection, value: boolean): number {
  return apply(deps, selection, () => ({ force_start: value, ...(value ? { paused: false } : {}) }));
}

export function setShareLimits(
  deps: Deps,
  selection: Selection,
  limits: { ratioLimit?: number; seedingTimeLimit?: number; inactiveSeedingTimeLimit?: number },
): number {
  return apply(deps, selection, () => {
    const patch: TorrentPatch = {};
    if (limits.ratioLimit !== undefined) patch.ratio_limit = limits.ratioLimit;
    if (limits.seedingTimeLimit !== undefined) patch.seeding_time_limit = Math.trunc(limits.seedingTimeLimit);
    if (limits.inactiveSeedingTimeLimit !== undefined)
      patch.inactive_seeding_time_limit = Math.trunc(limits.inactiveSeedingTimeLimit);
    return patch;
  });
}

export type PriorityMove = "top" | "bottom" | "up" | "down";

/** topPrio/bottomPrio/increasePrio/decreasePrio on the queue order (unfinished torrents only). */
export function movePriority(deps: Deps, selection: Selection, move: PriorityMove): number {
  const selected = selectTorrents(deps, selection).filter((t) => t.stage !== "done");
  if (selected.length === 0) return 0;
  const db = deps.dbh.db;
  if (move === "top" || move === "bottom") {
    const bounds = queueOrderBounds(db);
    // Keep the selection's relative order.
    const ordered = [...selected].sort((a, b) => a.queue_order - b.queue_order);
    ordered.forEach((t, i) => {
      const order = move === "top" ? bounds.min - ordered.length + i : bounds.max + 1 + i;
      updateTorrent(db, t.hash, { queue_order: order });
    });
  } else {
    const queue = listTorrents(db)
      .filter((t) => t.stage !== "done")
      .sort((a, b) => a.queue_order - b.queue_order);
    for (const t of selected) {
      const i = queue.findIndex((q) => q.hash === t.hash);
      const j = move === "up" ? i - 1 : i + 1;
      const other = queue[j];
      if (i < 0 || !other) continue;
      updateTorrent(db, t.hash, { queue_order: other.queue_order });
      updateTorrent(db, other.hash, { queue_order: t.queue_order });
      queue[i] = other;
      queue[j] = t;
    }
  }
  notifyChanged(deps);
  return selected.length;
}

export function addTagsTo(deps: Deps, selection: Selection, tags: string[]): number {
  const wanted = normaliseTags(tags);
  if (wanted.length === 0) return 0;
  insertTags(deps.dbh.db, wanted);
  return apply(deps, selection, (t) => {
    const current = normaliseTags([t.tags]);
    const merged = [...new Set([...current, ...wanted])];
    return merged.length === current.length ? null : { tags: merged.join(",") };
  });
}

export function removeTagsFrom(deps: Deps, selection: Selection, tags: string[]): number {
  const unwanted = new Set(normaliseTags(tags));
  return apply(deps, selection, (t) => {
    const current = normaliseTags([t.tags]);
    // No tags given means all of them (qBittorrent).
    const kept = unwanted.size === 0 ? [] : current.filter((tag) => !unwanted.has(tag));
    return kept.length === current.length ? null : { tags: kept.join(",") };
  });
}

/** Forgets tags everywhere (deleteTags). */
export function stripTags(deps: Deps, tags: string[]): void {
  const unwanted = new Set(normaliseTags(tags));
  for (const t of listTorrents(deps.dbh.db)) {
    const current = normaliseTags([t.tags]);
    const kept = current.filter((tag) => !unwanted.has(tag));
    if (kept.length !== current.length) updateTorrents(deps.dbh.db, [t.hash], { tags: kept.join(",") });
  }
}

/** toggleSequentialDownload / toggleFirstLastPiecePrio: flip the flag so it reads back as set. */
export function toggleFlag(deps: Deps, selection: Selection, flag: "seq_dl" | "f_l_piece_prio"): number {
  return apply(deps, selection, (t) => ({ [flag]: !t[flag] }));
}

/** torrents/rename: the name shown to clients (the folder on disk keeps its own). */
export function renameTorrent(deps: Deps, hash: string, name: string): number {
  const trimmed = name.trim();
  if (trimmed === "" || trimmed.includes("\0")) throw new ValidationError("Incorrect torrent name");
  return apply(deps, [hash], () => ({ name: trimmed }));
}
