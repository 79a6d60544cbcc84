import { randomBytes } from "node:crypto";
import {
  type DownloadTorrent,
  insertFiles,
  type TorrentPatch,
  updateTorrent,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import {
  FAILED_STATUSES,
  ProviderError,
  type ProviderFile,
  type ProviderKind,
  type ProviderTorrentInfo,
} from "../../providers/types.ts";
import { planLayout } from "./paths.ts";

/**
 * The provider half of a download: hand the torrent to a debrid service, select its files, wait
 * until the service has them, then record one row per file with its (restricted) link.
 * Refusals fall back to the other configured provider; errors become honest states.
 */
export async function providerStep(deps: Deps, torrent: DownloadTorrent): Promise<void> {
  if (torrent.stage === "queued") return submit(deps, torrent);
  if (torrent.stage === "provider") return poll(deps, torrent);
}

const ALL_PROVIDERS: ProviderKind[] = ["realdebrid", "alldebrid"];

/** Providers to try, preferred first: the category's, else DEFAULT_PROVIDER; then the others. */
export function providerOrder(deps: Deps, category: string, tried: string[]): ProviderKind[] {
  const preferred = deps.config.downloads.categoryProviders[category] ?? deps.config.defaultProvider;
  const ordered = [preferred, ...ALL_PROVIDERS.filter((k) => k !== preferred)];
  return ordered.filter((k) => !tried.includes(k) && deps.providers.get(k) !== null);
}

const FALLBACK_KINDS = new Set([
  "too_many_active",
  "unavailable",
  "fair_usage",
  "infringing",
  "auth",
  "traffic_exhausted",
  "network",
  "bad_response",
  "disabled_endpoint",
  "unknown",
]);
const RETRY_KINDS = new Set([
  "rate_limited",
  "too_many_active",
  "unavailable",
  "fair_usage",
  "network",
  "bad_response",
  "unknown",
]);

function backoffMs(deps: Deps, attempts: number): number {
  return Math.min(10 * 60_000, deps.config.downloads.providerPollMs * 2 ** Math.max(0, attempts - 1));
}

function tried(torrent: DownloadTorrent): string[] {
  return torrent.providers_tried.split(",").filter((s) => s !== "");
}

async function submit(deps: Deps, torrent: DownloadTorrent): Promise<void> {
  const now = deps.clock.now();
  const order = providerOrder(deps, torrent.category, tried(torrent));
  if (order.length === 0) {
    const configured = deps.providers.configured();
    const error =
      configured.length === 0
        ? "no debrid provider configured: set RD_API_TOKEN or AD_API_KEY"
        : (torrent.message ?? "every configured provider refused this torrent");
    return fail(deps, torrent, error);
  }
  const kind = order[0] as ProviderKind;
  const provider = deps.providers.require(kind);
  try {
    const { id } =
      torrent.source_kind === "torrent" && torrent.torrent_file
        ? await provider.addTorrentFile(new Uint8Array(torrent.torrent_file))
        : await provider.addMagnet(torrent.magnet ?? `magnet:?xt=urn:btih:${torrent.hash}`);
    updateTorrent(deps.dbh.db, torrent.hash, {
      stage: "provider",
      provider: kind,
      provider_id: id,
      provider_status: "magnet_conversion",
      message: null,
      next_attempt_at: now,
    });
    deps.log.info({ hash: torrent.hash, provider: kind, id }, "torrent handed to the provider");
  } catch (error) {
    refused(deps, torrent, kind, error, order.length > 1);
  }
}

/** A provider said no: try the next one, retry later, or give up with its words. */
function refused(
  deps: Deps,
  torrent: DownloadTorrent,
  kind: ProviderKind,
  error: unknown,
  hasAlternative: boolean,
) {
  const now = deps.clock.now();
  const errorKind = error instanceof ProviderError ? error.kind : "unknown";
  const message = `${kind}: ${error instanceof Error ? error.message : String(error)}`;
  deps.log.warn(
    { hash: torrent.hash, provider: kind, kind: errorKind, err: message },
    "provider refused the torrent",
  );
  const base: TorrentPatch = { stage: "queued", provider: null, provider_id: null };
  if (errorKind === "rate_limited") {
    // Not the torrent's fault: same provider, a bit later.
    updateTorrent(deps.dbh.db, torrent.hash, { ...base, message, next_attempt_at: now + backoffMs(deps, 1) });
    return;
  }
  if (hasAlternative && FALLBACK_KINDS.has(errorKind)) {
    updateTorrent(deps.dbh.db, torrent.hash, {
      ...base,
      message: `${message}; trying the other provider`,
      providers_tried: [...tried(torrent), kind].join(","),
      next_attempt_at: now,
    });
    return;
  }
  const attempts = torrent.attempts + 1;
  if (RETRY_KINDS.has(errorKind) && attempts < deps.config.downloads.maxAttempts) {
    const wait = backoffMs(deps, attempts);
    updateTorrent(deps.dbh.db, torrent.hash, {
      ...base,
      attempts,
      providers_tried: "",
      message: `${message}; retry ${attempts + 1}/${deps.config.downloads.maxAttempts} in ${Math.round(wait / 1000)} s`,
      next_attempt_at: now + wait,
    });
    return;
  }
  fail(deps, torrent, message);
}

function fail(deps: Deps, torrent: DownloadTorrent, error: string): void {
  updateTorrent(deps.dbh.db, torrent.hash, { stage: "error", error, message: null, provider_speed: 0 });
  deps.log.error({ hash: torrent.hash, name: torrent.name, error }, "download failed");
}

async function poll(deps: Deps, torrent: DownloadTorrent): Promise<void> {
  const kind = torrent.provider as ProviderKind;
  const provider = deps.providers.get(kind);
  const now = deps.clock.now();
  if (!provider || !torrent.provider_id) {
    updateTorrent(deps.dbh.db, torrent.hash, { stage: "queued", provider: null, provider_id: null });
    return;
  }
  let info: ProviderTorrentInfo;
  try {
    info = await provider.getTorrent(torrent.provider_id);
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "not_found") {
      // Deleted on the provider's side (by hand, or expired): add it again.
      updateTorrent(deps.dbh.db, torrent.hash, {
        stage: "queued",
        provider: null,
        provider_id: null,
        message: `${kind}: the torrent disappeared at the provider; adding it again`,
        next_attempt_at: now,
      });
      return;
    }
    const attempts = torrent.attempts + 1;
    if (attempts >= deps.config.downloads.maxAttempts * 2)
      return fail(deps, torrent, `${kind}: ${(error as Error).message}`);
    updateTorrent(deps.dbh.db, torrent.hash, {
      attempts,
      message: `${kind}: ${(error as Error).message}`,
      next_attempt_at: now + backoffMs(deps, attempts),
    });
    return;
  }

  const patch: TorrentPatch = {
    provider_status: info.status,
    provider_progress: info.progress,
    provider_speed: Math.round(info.speed ?? 0),
    attempts: 0,
    next_attempt_at: now + deps.config.downloads.providerPollMs,
  };
  const selected = info.files.filter((f) => f.selected);
  if (selected.length > 0) patch.size = selected.reduce((s, f) => s + f.bytes, 0);
  if (torrent.name === torrent.hash && info.filename) patch.name = info.filename;

  if (info.status === "waiting_files_selection") {
    const ids = pickFiles(info.files, deps.config.downloads.selectFiles);
    try {
      await provider.selectFiles(torrent.provider_id, ids);
      patch.next_attempt_at = now;
    } catch (error) {
      updateTorrent(deps.dbh.db, torrent.hash, patch);
      return refusedAfterAdd(deps, torrent, kind, error);
    }
    updateTorrent(deps.dbh.db, torrent.hash, patch);
    return;
  }
  if (FAILED_STATUSES.includes(info.status)) {
    updateTorrent(deps.dbh.db, torrent.hash, patch);
    return refusedAfterAdd(deps, torrent, kind, new Error(`the torrent is ${info.status} at ${kind}`));
  }
  if (info.status === "downloaded") {
    updateTorrent(deps.dbh.db, torrent.hash, patch);
    return recordFiles(deps, { ...torrent, ...patch } as DownloadTorrent, info);
  }
  const converting = info.status === "magnet_conversion";
  if (!converting && deps.config.downloads.requireCached) {
    updateTorrent(deps.dbh.db, torrent.hash, patch);
    return refusedAfterAdd(deps, torrent, kind, new Error("not cached (DOWNLOAD_REQUIRE_CACHED=true)"));
  }
  updateTorrent(deps.dbh.db, torrent.hash, patch);
}

async function refusedAfterAdd(deps: Deps, torrent: DownloadTorrent, kind: ProviderKind, error: unknown) {
  // Leave nothing behind in the user's provider library.
  if (torrent.provider_id)
    await deps.providers
      .get(kind)
      ?.deleteTorrent(torrent.provider_id)
      .catch(() => {});
  const alternatives = providerOrder(deps, torrent.category, [...tried(torrent), kind]);
  const errorKind = error instanceof ProviderError ? error.kind : "unknown";
  // A dead/virus/error torrent at one provider may well be fine at the other.
  const fallbackable = FALLBACK_KINDS.has(errorKind) || !(error instanceof ProviderError);
  if (alternatives.length > 0 && fallbackable) {
    refused(deps, torrent, kind, error, true);
    return;
  }
  fail(deps, torrent, `${kind}: ${error instanceof Error ? error.message : String(error)}`);
}

const VIDEO = /\.(mkv|mp4|m4v|avi|mov|wmv|ts|m2ts|mts|webm|mpg|mpeg|vob|iso|flv|divx|ogm)$/i;
const SUBTITLE = /\.(srt|ass|ssa|sub|idx|sup|vtt)$/i;

/** Video files (and their subtitles) when there are any, otherwise everything. */
export function pickFiles(files: ProviderFile[], mode: "video" | "all"): number[] | "all" {
  if (mode === "all") return "all";
  const videos = files.filter((f) => VIDEO.test(f.path));
  if (videos.length === 0) return "all";
  return files.filter((f) => VIDEO.test(f.path) || SUBTITLE.test(f.path)).map((f) => f.id);
}

async function recordFiles(deps: Deps, torrent: DownloadTorrent, info: ProviderTorrentInfo): Promise<void> {
  const selected = info.files.filter((f) => f.selected).sort((a, b) => a.id - b.id);
  let entries: Array<{ index: number; path: string; bytes: number; link: string }>;
  if (selected.length === info.links.length && selected.length > 0) {
    entries = selected.map((f, i) => ({
      index: f.id,
      path: f.path,
      bytes: f.bytes,
      link: info.links[i] as string,
    }));
  } else if (info.links.length > 0) {
    // The provider packed files differently (an archive): ask each link what it is.
    const provider = deps.providers.require(torrent.provider as ProviderKind);
    entries = [];
    for (const [i, link] of info.links.entries()) {
      const u = await provider.unrestrictLink(link);
      entries.push({ index: i + 1, path: u.filename || `file-${i + 1}`, bytes: u.filesize, link });
    }
  } else {
    return fail(deps, torrent, `${torrent.provider}: the torrent is downloaded but has no links`);
  }
  const layout = planLayout(
    torrent.name,
    entries.map((e) => e.path),
  );
  insertFiles(
    deps.dbh.db,
    entries.map((e, i) => ({
      hash: torrent.hash,
      file_index: e.index,
      path: layout.relative[i] ?? "",
      size: e.bytes,
      link: e.link,
      gid: randomBytes(8).toString("hex"),
      status: "pending",
    })),
  );
  updateTorrent(deps.dbh.db, torrent.hash, {
    stage: "waiting",
    root_name: layout.rootName,
    size: entries.reduce((s, e) => s + e.bytes, 0),
    provider_progress: 100,
    provider_speed: 0,
    message: null,
  });
  deps.log.info({ hash: torrent.hash, files: entries.length }, "provider has the files; queued for download");
}
