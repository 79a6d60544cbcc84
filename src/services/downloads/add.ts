import {
  getCategory,
  getTorrent,
  insertCategory,
  insertTags,
  insertTorrent,
  queueOrderBounds,
  updateTorrent,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { FINAL_STAGE, INITIAL_STAGE, startOverPatch } from "../../domain/download-stage.ts";
import { notifyChanged } from "./events.ts";
import { resolveSavePath } from "./paths.ts";
import { fromTorrentFile, fromUrl, type SourceResult, type TorrentSource } from "./sources.ts";

export interface AddTorrentsInput {
  /** Magnets or http(s) .torrent URLs. */
  urls: string[];
  /** Uploaded .torrent files. */
  files: Array<{ name: string; bytes: Uint8Array }>;
  category?: string;
  savepath?: string;
  paused?: boolean;
  tags?: string[];
  rename?: string;
  ratioLimit?: number;
  seedingTimeLimit?: number;
  inactiveSeedingTimeLimit?: number;
  forceStart?: boolean;
  /** Put at the top of the queue (qBit `addToTopOfQueue`). */
  top?: boolean;
}

export interface AddTorrentsResult {
  added: string[];
  failed: Array<{ source: string; reason: string }>;
}

/**
 * `torrents/add`: validates every source, lists each torrent at once (stage queued, with the real
 * info-hash) and wakes the downloader. Answers before any provider call.
 */
export async function addTorrents(deps: Deps, input: AddTorrentsInput): Promise<AddTorrentsResult> {
  const result: AddTorrentsResult = { added: [], failed: [] };
  const results: Array<{ label: string; parsed: SourceResult }> = [];
  for (const url of input.urls) results.push({ label: describeSource(url), parsed: await fromUrl(url) });
  for (const file of input.files)
    results.push({ label: file.name || "upload.torrent", parsed: fromTorrentFile(file.bytes) });

  const category = (input.category ?? "").trim();
  const savePath = prepareCategoryAndPath(deps, category, input.savepath);
  for (const { label, parsed } of results) {
    if (!parsed.ok) {
      result.failed.push({ source: label, reason: parsed.reason });
      continue;
    }
    if ("error" in savePath) {
      result.failed.push({ source: label, reason: savePath.error });
      continue;
    }
    const outcome = insertSource(deps, parsed.source, { ...input, category, savePath: savePath.path });
    if (outcome === true) result.added.push(parsed.source.hash);
    else result.failed.push({ source: label, reason: outcome });
  }
  for (const failure of result.failed)
    deps.log.warn({ source: failure.source, reason: failure.reason }, "torrent refused");
  if (result.added.length > 0) {
    deps.log.info({ hashes: result.added, category }, "torrents added");
    notifyChanged(deps, { added: result.added });
  }
  return result;
}

function prepareCategoryAndPath(deps: Deps, category: string, savepath: string | undefined) {
  // qBittorrent creates an unknown category on add; so do we.
  let row = category === "" ? undefined : getCategory(deps.dbh.db, category);
  if (category !== "" && !row) {
    insertCategory(deps.dbh.db, category, "");
    row = { name: category, save_path: "" };
  }
  return resolveSavePath(deps.config.downloads, {
    category,
    categorySavePath: row?.save_path ?? "",
    savepath,
  });
}

function insertSource(
  deps: Deps,
  source: TorrentSource,
  input: AddTorrentsInput & { category: string; savePath: string },
): true | string {
  const db = deps.dbh.db;
  const now = deps.clock.now();
  const existing = getTorrent(db, source.hash);
  if (existing) {
    if (existing.stage === FINAL_STAGE) return "this torrent is being deleted; add it again in a moment";
    // A new grab of a failed torrent retries it from the start; anything else is already there.
    if (existing.stage === "error")
      updateTorrent(db, source.hash, { ...startOverPatch(existing.stage), paused: input.paused ?? false });
    return true;
  }
  const tags = normaliseTags(input.tags ?? []);
  if (tags.length > 0) insertTags(db, tags);
  const bounds = queueOrderBounds(db);
  insertTorrent(db, {
    hash: source.hash,
    name: input.rename?.trim() || source.name?.trim() || source.hash,
    source_kind: source.kind,
    magnet: source.magnet,
    torrent_file: source.torrentFile ? Buffer.from(source.torrentFile) : null,
    category: input.category,
    save_path: input.savePath,
    tags: tags.join(","),
    stage: INITIAL_STAGE,
    paused: input.paused ?? false,
    force_start: input.forceStart ?? false,
    queue_order: input.top ? bounds.min - 1 : bounds.max + 1,
    size: source.size,
    ratio_limit: input.ratioLimit ?? -2,
    seeding_time_limit: input.seedingTimeLimit ?? -2,
    inactive_seeding_time_limit: input.inactiveSeedingTimeLimit ?? -2,
    added_on: now,
    last_activity: now,
    progress_at: now,
  });
  return true;
}

export function normaliseTags(tags: string[]): string[] {
  return [
    ...new Set(
      tags
        .flatMap((t) => t.split(","))
        .map((t) => t.trim())
        .filter((t) => t !== ""),
    ),
  ];
}

/** A source as it may appear in logs: magnets by hash, URLs without their query (passkeys). */
function describeSource(url: string): string {
  const trimmed = url.trim();
  if (/^magnet:/i.test(trimmed)) return trimmed.slice(0, 80);
  try {
    const u = new URL(trimmed);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return trimmed.slice(0, 80);
  }
}
