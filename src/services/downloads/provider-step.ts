import { randomBytes } from "node:crypto";
import {
  changedFields,
  type DownloadTorrent,
  insertFiles,
  type TorrentPatch,
  updateTorrent,
} from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { moveTo } from "../../domain/download-stage.ts";
import type { GrabFailureReason } from "../../domain/grab-failure.ts";
import { buildMagnet } from "../../domain/magnet.ts";
import { backoffDelayMs } from "../../lib/backoff.ts";
import { formatDuration } from "../../lib/format.ts";
import {
  FAILED_STATUSES,
  ProviderError,
  type ProviderErrorKind,
  type ProviderFile,
  type ProviderKind,
  type ProviderTorrentInfo,
} from "../../providers/types.ts";
import {
  addWithFallback,
  NoProviderAcceptedError,
  type ProviderRoutes,
  providerOrder,
} from "../providers/choose.ts";
import { pollFailureReason, submitFailureReason } from "./failure-reason.ts";
import { skippedFiles } from "./file-priority.ts";
import { isSymlinkMode } from "./mode.ts";
import { planLayout } from "./paths.ts";
import { startMountWait } from "./symlink-step.ts";

/**
 * The provider half of a download: hand the torrent to a debrid service, select its files, wait
 * until the service has them, then record one row per file with its (restricted) link.
 * Refusals fall back to the other configured provider; errors become honest states.
 */
export async function providerStep(deps: Deps, torrent: DownloadTorrent): Promise<void> {
  if (torrent.stage === "queued") return submit(deps, torrent);
  if (torrent.stage === "provider") return poll(deps, torrent);
}

function routesOf(deps: Deps): ProviderRoutes {
  return {
    defaultProvider: deps.config.defaultProvider,
    byCategory: deps.config.downloads.categoryProviders,
    fallbackOrder: deps.config.downloads.providerOrder,
  };
}

/** Providers still worth trying for this torrent, the category's (or DEFAULT_PROVIDER) first. */
export function remainingProviders(
  deps: Deps,
  torrent: Pick<DownloadTorrent, "category" | "providers_tried">,
): ProviderKind[] {
  const triedList = tried(torrent);
  return providerOrder(routesOf(deps), torrent.category, deps.providers.configured()).filter(
    (k) => !triedList.includes(k),
  );
}

function backoffMs(deps: Deps, attempts: number): number {
  // No jitter: the wait is stored and shown ("retry 3/5 in 40 s").
  return backoffDelayMs(
    { baseMs: deps.config.downloads.providerPollMs, maxMs: 10 * 60_000, jitter: "none" },
    attempts,
  );
}

function tried(torrent: Pick<DownloadTorrent, "providers_tried">): string[] {
  return torrent.providers_tried.split(",").filter((s) => s !== "");
}

const NO_FALLBACK: ReadonlySet<ProviderErrorKind> = new Set();

/**
 * Hands the torrent to a provider through the shared fallback helper (category routing, fallback
 * on refusals such as too many active or 5xx, require-cache). After a provider already failed it
 * later (dead, not cached after selection), only the providers not tried yet are asked.
 */
async function submit(deps: Deps, torrent: DownloadTorrent): Promise<void> {
  const now = deps.clock.now();
  const remaining = remainingProviders(deps, torrent);
  if (remaining.length === 0) {
    const error =
      deps.providers.configured().length === 0
        ? deps.providers.noneConfigured()
        : (torrent.message ?? "every configured provider refused this torrent");
    return fail(deps, torrent, error, deps.providers.configured().length === 0 ? "other" : "errors");
  }
  const source =
    torrent.source_kind === "torrent" && torrent.torrent_file
      ? { torrentFile: new Uint8Array(torrent.torrent_file) }
      : { magnet: torrent.magnet ?? buildMagnet(torrent.hash, torrent.name) };
  const first = tried(torrent).length === 0;
  // Chosen in the Add box: asked first, the others still follow on a refusal.
  const chosen = first && torrent.provider && remaining.includes(torrent.provider as ProviderKind);
  try {
    const result = await addWithFallback(deps, {
      source,
      category: first && !chosen ? torrent.category : null,
      routes: chosen
        ? { ...routesOf(deps), defaultProvider: torrent.provider as ProviderKind, byCategory: {} }
        : first
          ? routesOf(deps)
          : { defaultProvider: remaining[0] as ProviderKind },
      requireCached: deps.config.downloads.requireCached,
      ...(first ? {} : { fallbackOn: NO_FALLBACK }),
    });
    updateTorrent(deps.dbh.db, torrent.hash, {
      ...moveTo(torrent.stage, "provider"),
      provider: result.provider,
      provider_id: result.id,
      provider_status: "magnet_conversion",
      // The stall clock (DOWNLOAD_STALLED_AFTER) starts at each provider.
      progress_at: now,
      message: result.fellBack
        ? `sent to ${result.provider}: ${result.attempts
            .filter((a) => a.outcome !== "added")
            .map((a) => `${a.provider} ${a.reason}`)
            .join("; ")}`
        : null,
      next_attempt_at: now,
    });
    deps.log.info(
      { hash: torrent.hash, provider: result.provider, id: result.id },
      "torrent handed to the provider",
    );
  } catch (error) {
    const retryable =
      error instanceof NoProviderAcceptedError ? error.retryable : !(error instanceof ProviderError);
    const message = error instanceof Error ? error.message : String(error);
    const attempts = torrent.attempts + 1;
    if (retryable && attempts < deps.config.downloads.maxAttempts) {
      const wait = backoffMs(deps, attempts);
      updateTorrent(deps.dbh.db, torrent.hash, {
        attempts,
        message: `${message}; retry ${attempts + 1}/${deps.config.downloads.maxAttempts} in ${Math.max(1, Math.round(wait / 1000))} s`,
        next_attempt_at: now + wait,
      });
      deps.log.warn({ hash: torrent.hash, err: message, attempts }, "providers refused the torrent for now");
      return;
    }
    fail(deps, torrent, message, submitFailureReason(error));
  }
}

function fail(deps: Deps, torrent: DownloadTorrent, error: string, reason: GrabFailureReason): void {
  updateTorrent(deps.dbh.db, torrent.hash, {
    ...moveTo(torrent.stage, "error"),
    error,
    message: null,
    provider_speed: 0,
    fail_reason: reason,
    failed_at: deps.clock.now(),
  });
  deps.log.error({ hash: torrent.hash, name: torrent.name, error }, "download failed");
}

async function poll(deps: Deps, torrent: DownloadTorrent): Promise<void> {
  const kind = torrent.provider as ProviderKind;
  const provider = deps.providers.get(kind);
  const now = deps.clock.now();
  if (!provider || !torrent.provider_id) {
    updateTorrent(deps.dbh.db, torrent.hash, {
      ...moveTo(torrent.stage, "queued"),
      provider: null,
      provider_id: null,
    });
    return;
  }
  let info: ProviderTorrentInfo;
  try {
    info = await provider.getTorrent(torrent.provider_id);
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "not_found") {
      // Deleted on the provider's side (by hand, or expired): add it again.
      updateTorrent(deps.dbh.db, torrent.hash, {
        ...moveTo(torrent.stage, "queued"),
        provider: null,
        provider_id: null,
        message: `${kind}: the torrent disappeared at the provider; adding it again`,
        next_attempt_at: now,
      });
      return;
    }
    const attempts = torrent.attempts + 1;
    if (attempts >= deps.config.downloads.maxAttempts * 2)
      return fail(deps, torrent, `${kind}: ${(error as Error).message}`, pollFailureReason(error));
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
  if (info.progress !== torrent.provider_progress || info.status !== torrent.provider_status)
    patch.progress_at = now;
  const selected = info.files.filter((f) => f.selected);
  if (selected.length > 0) patch.size = selected.reduce((s, f) => s + f.bytes, 0);
  if (torrent.name === torrent.hash && info.filename) patch.name = info.filename;

  if (info.status === "waiting_files_selection") {
    const ids = selectionFor(torrent, info.files, deps.config.downloads.selectFiles);
    try {
      await provider.selectFiles(torrent.provider_id, ids);
      patch.next_attempt_at = now;
    } catch (error) {
      if (error instanceof ProviderError && error.retryable) {
        // Busy or rate limited: select again at the next poll.
        updateTorrent(deps.dbh.db, torrent.hash, { ...patch, message: `${kind}: ${error.message}` });
        return;
      }
      updateTorrent(deps.dbh.db, torrent.hash, changedFields(torrent, patch));
      return refusedAfterAdd(deps, torrent, kind, error as Error, "errors");
    }
    updateTorrent(deps.dbh.db, torrent.hash, changedFields(torrent, patch));
    return;
  }
  if (FAILED_STATUSES.includes(info.status)) {
    updateTorrent(deps.dbh.db, torrent.hash, changedFields(torrent, patch));
    return refusedAfterAdd(
      deps,
      torrent,
      kind,
      new Error(`the torrent is ${info.status} at ${kind}`),
      "dead",
    );
  }
  if (info.status === "downloaded") {
    updateTorrent(deps.dbh.db, torrent.hash, changedFields(torrent, patch));
    return recordFiles(deps, { ...torrent, ...patch } as DownloadTorrent, info);
  }
  const converting = info.status === "magnet_conversion";
  if (!converting && deps.config.downloads.requireCached) {
    updateTorrent(deps.dbh.db, torrent.hash, changedFields(torrent, patch));
    return refusedAfterAdd(
      deps,
      torrent,
      kind,
      new Error("not cached (DOWNLOAD_REQUIRE_CACHED=true)"),
      "not_cached",
    );
  }
  updateTorrent(deps.dbh.db, torrent.hash, changedFields(torrent, patch));
  const stalledAfter = deps.config.arrReplace.stalledAfterMs;
  if (stalledAfter !== null && patch.progress_at === undefined && now - torrent.progress_at >= stalledAfter) {
    const idle = formatDuration(now - torrent.progress_at);
    const error = new Error(`no progress for ${idle} (DOWNLOAD_STALLED_AFTER), still ${info.status}`);
    return refusedAfterAdd(deps, torrent, kind, error, "stalled");
  }
}

/**
 * The provider took the torrent but cannot deliver it (dead, failed, not cached after selection):
 * remove it there and try a provider not tried yet, or give up with the reason.
 */
async function refusedAfterAdd(
  deps: Deps,
  torrent: DownloadTorrent,
  kind: ProviderKind,
  error: Error,
  reason: GrabFailureReason,
) {
  // Leave nothing behind in the user's provider library.
  if (torrent.provider_id)
    await deps.providers
      .get(kind)
      ?.deleteTorrent(torrent.provider_id)
      .catch(() => {});
  const triedNow = [...tried(torrent), kind];
  const alternatives = remainingProviders(deps, { ...torrent, providers_tried: triedNow.join(",") });
  const message = `${kind}: ${error.message}`;
  if (alternatives.length > 0) {
    updateTorrent(deps.dbh.db, torrent.hash, {
      ...moveTo(torrent.stage, "queued"),
      provider: null,
      provider_id: null,
      providers_tried: triedNow.join(","),
      message: `${message}; trying ${alternatives[0]}`,
      next_attempt_at: deps.clock.now(),
    });
    deps.log.warn(
      { hash: torrent.hash, provider: kind, err: error.message },
      "provider failed the torrent; trying the other one",
    );
    return;
  }
  fail(deps, torrent, message, reason);
}

const VIDEO = /\.(mkv|mp4|m4v|avi|mov|wmv|ts|m2ts|mts|webm|mpg|mpeg|vob|iso|flv|divx|ogm)$/i;
const SUBTITLE = /\.(srt|ass|ssa|sub|idx|sup|vtt)$/i;

/**
 * The files to select: those a client did not set to priority 0 (torrents/filePrio; the provider's
 * file ids count the .torrent's files from 1), then the configured video/all rule among them.
 */
function selectionFor(
  torrent: DownloadTorrent,
  files: ProviderFile[],
  mode: "video" | "all",
): number[] | "all" {
  const skipped = skippedFiles(torrent);
  if (skipped.size === 0) return pickFiles(files, mode);
  const kept = files.filter((f) => !skipped.has(f.id - 1));
  const picked = pickFiles(kept, mode);
  return picked === "all" ? kept.map((f) => f.id) : picked;
}

/** A scene release's preview clip: `Sample/x.mkv`, `x-sample.mkv`, `x.sample.mkv`. */
const SAMPLE = /(^|[/\\._ -])sample([/\\._ -]|$)/i;

/**
 * Video files (and their subtitles) when there are any besides samples, otherwise everything: a
 * release packed in RARs with only a sample clip in the clear must bring its archives.
 */
export function pickFiles(files: ProviderFile[], mode: "video" | "all"): number[] | "all" {
  if (mode === "all") return "all";
  const videos = files.filter((f) => VIDEO.test(f.path) && !SAMPLE.test(f.path));
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
    return fail(deps, torrent, `${torrent.provider}: the torrent is downloaded but has no links`, "errors");
  }
  // Providers without file selection (AllDebrid) hand over everything: keep what was asked for.
  const wanted = pickFiles(
    entries.map((e) => ({ id: e.index, path: e.path, bytes: e.bytes, selected: true })),
    deps.config.downloads.selectFiles,
  );
  if (wanted !== "all") entries = entries.filter((e) => wanted.includes(e.index));
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
  const symlink = isSymlinkMode(deps.config.downloads, torrent);
  updateTorrent(deps.dbh.db, torrent.hash, {
    ...moveTo(torrent.stage, "waiting"),
    root_name: layout.rootName,
    size: entries.reduce((s, e) => s + e.bytes, 0),
    provider_progress: 100,
    provider_speed: 0,
    message: symlink ? "ready at the provider; waiting for the files in the mount" : null,
    // Its folder in the mount is named by the provider: kept for a wait that outlives a restart.
    ...(symlink && info.filename ? { mount_name: info.filename } : {}),
  });
  if (symlink) startMountWait(deps, torrent.hash, info.filename);
  deps.log.info(
    { hash: torrent.hash, files: entries.length, mode: symlink ? "symlink" : "download" },
    "provider has the files",
  );
}
