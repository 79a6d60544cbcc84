import { type LocalTorrent, localFiles, localTorrent } from "../../db/repo/repair-library.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage } from "../../errors.ts";
import { arrInstanceClient, rescanPathsEverywhere } from "../arr/index.ts";
import { notify } from "../notifications/index.ts";
import { type MediaLink, removeMediaLinks, TorrentLinkIndex, walkMediaLinks } from "./media-links.ts";
import { repairMediaRoot } from "./media-root.ts";
import type { RepairTarget } from "./reinject.ts";

/**
 * What happens around a permanent failure: the library links of an infringing torrent are
 * removed, Sonarr/Radarr are told (batched per run), and the user is notified.
 */

/** Media links are walked once per run, on first need, and shared by every candidate. */
export class MediaLinkCache {
  private walk: Promise<MediaLink[]> | null = null;

  constructor(
    private readonly deps: Deps,
    private readonly signal?: AbortSignal,
  ) {}

  links(): Promise<MediaLink[]> {
    const root = repairMediaRoot(this.deps);
    if (!root) return Promise.resolve([]);
    this.walk ??= walkMediaLinks(root, { signal: this.signal });
    return this.walk;
  }
}

/** The library links that point at this torrent (known from its candidate, or by mapping). */
export async function linksOfTorrent(
  deps: Deps,
  target: RepairTarget,
  known: readonly string[],
  cache: MediaLinkCache,
): Promise<string[]> {
  const local: LocalTorrent = localTorrent(deps.dbh, target.provider, target.torrentId) ?? {
    id: target.torrentId,
    provider: target.provider,
    hash: target.hash,
    filename: target.filename,
    status: "",
    removed_at: null,
  };
  const files = localFiles(deps.dbh, target.provider, target.torrentId).map((f) => ({
    provider: target.provider,
    torrent_id: target.torrentId,
    path: f.path,
  }));
  const index = new TorrentLinkIndex([local], files);
  const found = new Set(known);
  for (const link of await cache.links()) {
    const torrent = index.match(link.resolved)?.torrent;
    if (torrent?.id === target.torrentId && torrent.provider === target.provider) found.add(link.path);
  }
  return [...found].sort();
}

export interface LinkCleanup {
  links: string[];
  removed: string[];
  refused: Array<{ path: string; why: string }>;
  note: string | null;
}

/** Removes (or, in a dry run, lists) the links of an infringing torrent. */
export async function removeTorrentLinks(
  deps: Deps,
  target: RepairTarget,
  known: readonly string[],
  cache: MediaLinkCache,
  options: { dryRun: boolean },
): Promise<LinkCleanup> {
  const root = repairMediaRoot(deps);
  if (!root)
    return { links: [], removed: [], refused: [], note: "MEDIA_ROOT is not set: no library links to remove" };
  const links = await linksOfTorrent(deps, target, known, cache);
  const report = await removeMediaLinks(root, links, options);
  return { links, ...report, note: null };
}

export interface ArrOutcome {
  rescans: number;
  searches: number;
  /** Items (series/movies) told, by instance: "sonarr2:12". */
  items: string[];
  errors: string[];
}

/**
 * One rescan per affected series/movie for every link removed in the run (not one per episode),
 * and a search only when REPAIR_DELETE_ONLY=false (and the client's never-search is off).
 */
export async function tellArr(
  deps: Deps,
  removedPaths: readonly string[],
  signal?: AbortSignal,
): Promise<ArrOutcome> {
  const outcome: ArrOutcome = { rescans: 0, searches: 0, items: [], errors: [] };
  if (removedPaths.length === 0) return outcome;
  const summary = await rescanPathsEverywhere(deps, removedPaths, signal);
  outcome.rescans = summary.commands;
  outcome.errors.push(...summary.errors.map((e) => `${e.name}: ${e.error}`));
  for (const report of summary.reports) {
    outcome.items.push(...report.matched.map((m) => `${report.instance.id}:${m.id}`));
    if (deps.config.repair.deleteOnly || report.matched.length === 0) continue;
    try {
      // The instance that owns the item searches for it (Sonarr 4K for a 4K series).
      const client = arrInstanceClient(deps, report.instance);
      const sent = await client?.search(
        report.matched.map((m) => m.id),
        signal,
      );
      outcome.searches += sent?.commands ?? 0;
    } catch (error) {
      outcome.errors.push(`${report.instance.name} search: ${errorMessage(error)}`);
    }
  }
  if (outcome.errors.length > 0)
    deps.log.warn({ errors: outcome.errors }, "repair: Sonarr/Radarr not fully told");
  return outcome;
}

/** A torrent is failed for good: tell the user (NOTIFY_EVENTS torrent_failed). Never throws. */
export async function notifyPermanentFailure(
  deps: Deps,
  target: RepairTarget,
  failure: string,
  message: string,
  attempts: number,
): Promise<void> {
  await notify(deps, {
    type: "torrent_failed",
    title: `Repair gave up: ${target.filename || target.torrentId}`,
    message,
    data: { torrent: target.torrentId, hash: target.hash, failure, attempts, provider: target.provider },
  }).catch((error) => deps.log.warn({ err: errorMessage(error) }, "repair notification failed"));
}
