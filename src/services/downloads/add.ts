import {
  getCategory,
  getTorrent,
  insertCategory,
  insertTags,
  insertTorrents,
  inTransaction,
  type NewDownloadTorrent,
  queueOrderBounds,
  updateTorrent,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { FINAL_STAGE, INITIAL_STAGE, startOverPatch } from "../../domain/download-stage.ts";
import { notifyChanged } from "./events.ts";
import { resolveHosterLink } from "./hoster-link.ts";
import { isValidCategoryName, resolveSavePath } from "./paths.ts";
import { defaultSavePath } from "./preferences.ts";
import { fromTorrentFile, fromUrl, type SourceResult, type TorrentSource } from "./sources.ts";
import { joinTrackers } from "./trackers.ts";

export interface AddTorrentsInput {
  /** Magnets, http(s) .torrent URLs, or file host links (downloaded through a provider that unrestricts them). */
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
  /**
   * The provider to send them to first (a configured one); none = the category's route, then
   * DOWNLOAD_PROVIDER_ORDER. A refusal still falls back to the others.
   */
  provider?: string;
}

export interface AddTorrentsResult {
  added: string[];
  failed: Array<{ source: string; reason: string }>;
}

/**
 * Most sources (magnets, URLs, files) one `torrents/add` takes. qBittorrent sets no limit, but
 * 10,000 magnets in one call held the server for 44 s; a bigger call is refused whole (`Fails.`).
 */
export const MAX_SOURCES_PER_ADD = 1000;
/** Rows written per transaction; the event loop runs other requests between two chunks. */
const INSERT_CHUNK = 100;

/**
 * `torrents/add`: validates every source, lists each torrent at once (stage queued, with the real
 * info-hash) and wakes the downloader. Answers before any provider call.
 */
export async function addTorrents(deps: Deps, input: AddTorrentsInput): Promise<AddTorrentsResult> {
  const result: AddTorrentsResult = { added: [], failed: [] };
  const total = input.urls.length + input.files.length;
  if (total > MAX_SOURCES_PER_ADD) {
    const reason = `${total} torrents in one add; at most ${MAX_SOURCES_PER_ADD} are taken at once`;
    deps.log.warn({ sources: total }, `torrents/add refused: ${reason}`);
    return { added: [], failed: [{ source: `${total} sources`, reason }] };
  }
  const provider = (input.provider ?? "").trim();
  const configured: string[] = deps.providers.configured();
  if (provider !== "" && !configured.includes(provider)) {
    const reason = `provider ${JSON.stringify(provider.slice(0, 40))} is not configured (configured: ${configured.join(", ") || "none"})`;
    return { added: [], failed: [{ source: "the provider choice", reason }] };
  }
  const category = (input.category ?? "").trim();
  const results: Array<{ label: string; parsed: SourceResult }> = [];
  for (const url of input.urls) {
    let parsed = await fromUrl(url, deps.config.downloads.torrentUrlTimeoutMs);
    // Not a .torrent: a file host's link, if a provider unrestricts it.
    if (!parsed.ok && parsed.notTorrent)
      parsed = await resolveHosterLink(deps, url.trim(), { category, provider, notTorrent: parsed.reason });
    results.push({ label: describeSource(url), parsed });
  }
  for (const file of input.files)
    results.push({ label: file.name || "upload.torrent", parsed: fromTorrentFile(file.bytes) });

  const savePath = prepareCategoryAndPath(deps, category, input.savepath);
  const target = "error" in savePath ? null : { ...input, category, provider, savePath: savePath.path };
  for (let start = 0; start < results.length; start += INSERT_CHUNK) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    inTransaction(deps.dbh.db, () => {
      const fresh: NewDownloadTorrent[] = [];
      const order = queueOrderBounds(deps.dbh.db);
      for (const { label, parsed } of results.slice(start, start + INSERT_CHUNK)) {
        const reason = !parsed.ok ? parsed.reason : "error" in savePath ? savePath.error : null;
        if (reason !== null || !parsed.ok || target === null) {
          result.failed.push({ source: label, reason: reason ?? "refused" });
          continue;
        }
        const outcome = existingOutcome(deps, parsed.source.hash, input.paused);
        if (outcome === undefined) {
          if (fresh.some((r) => r.hash === parsed.source.hash)) continue;
          order.min -= 1;
          order.max += 1;
          fresh.push(newRow(deps, parsed.source, target, input.top ? order.min : order.max));
          result.added.push(parsed.source.hash);
        } else if (outcome === true) result.added.push(parsed.source.hash);
        else result.failed.push({ source: label, reason: outcome });
      }
      const tags = normaliseTags(input.tags ?? []);
      if (fresh.length > 0 && tags.length > 0) insertTags(deps.dbh.db, tags);
      insertTorrents(deps.dbh.db, fresh);
    });
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
  // qBittorrent creates an unknown category on add (with createCategory's name rule); so do we.
  if (category !== "" && !isValidCategoryName(category))
    return { error: `invalid category name ${category}` };
  let row = category === "" ? undefined : getCategory(deps.dbh.db, category);
  if (category !== "" && !row) {
    insertCategory(deps.dbh.db, category, "");
    row = { name: category, save_path: "" };
  }
  // app/setPreferences' save_path is the folder of torrents that name neither.
  const fallback = category === "" && (savepath ?? "").trim() === "" ? defaultSavePath(deps) : undefined;
  return resolveSavePath(deps.config.downloads, {
    category,
    categorySavePath: row?.save_path ?? "",
    savepath: fallback ?? savepath,
  });
}

/** What a new grab of a hash already listed means: undefined when it is not there yet. */
function existingOutcome(deps: Deps, hash: string, paused: boolean | undefined): true | string | undefined {
  const existing = getTorrent(deps.dbh.db, hash);
  if (!existing) return undefined;
  if (existing.stage === FINAL_STAGE) return "this torrent is being deleted; add it again in a moment";
  // A new grab of a failed torrent retries it from the start; anything else is already there.
  if (existing.stage === "error")
    updateTorrent(deps.dbh.db, hash, { ...startOverPatch(existing.stage), paused: paused ?? false });
  return true;
}

function newRow(
  deps: Deps,
  source: TorrentSource,
  input: AddTorrentsInput & { category: string; provider: string; savePath: string },
  queueOrder: number,
): NewDownloadTorrent {
  const now = deps.clock.now();
  return {
    hash: source.hash,
    name: input.rename?.trim() || source.name?.trim() || source.hash,
    source_kind: source.kind,
    magnet: source.magnet,
    torrent_file: source.torrentFile ? Buffer.from(source.torrentFile) : null,
    link: source.link ?? null,
    category: input.category,
    // Before the provider step, a provider set here is the one asked first (provider_id stays null).
    // A link keeps the provider that unrestricted it at the add.
    provider: source.provider || input.provider || null,
    save_path: input.savePath,
    tags: normaliseTags(input.tags ?? []).join(","),
    stage: INITIAL_STAGE,
    paused: input.paused ?? false,
    force_start: input.forceStart ?? false,
    queue_order: queueOrder,
    size: source.size,
    trackers: joinTrackers(source.trackers),
    comment: source.comment,
    creation_date: source.creationDate,
    ratio_limit: input.ratioLimit ?? -2,
    seeding_time_limit: input.seedingTimeLimit ?? -2,
    inactive_seeding_time_limit: input.inactiveSeedingTimeLimit ?? -2,
    added_on: now,
    last_activity: now,
    progress_at: now,
  };
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
