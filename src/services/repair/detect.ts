import { REPAIR_SCAN_MODES } from "../../../schema/repair.ts";
import type { RepairReason } from "../../config/sections/repair.ts";
import { closeNoLongerFailing, upsertCandidate } from "../../db/repo/repair.ts";
import { symlinkMappingRows } from "../../db/repo/repair-library.ts";
import { finishScan, linkCheckTimes, recordLinkCheck, startScan } from "../../db/repo/repair-scans.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage, ValidationError } from "../../errors.ts";
import type { LogLine } from "../../lib/run-hooks.ts";
import {
  FAILED_STATUSES,
  ProviderError,
  type ProviderKind,
  type ProviderTorrent,
  type RequestMeter,
} from "../../providers/types.ts";
import { TorrentLinkIndex, torrentKey, walkMediaLinks } from "./media-links.ts";
import { repairMediaRoot } from "./media-root.ts";
import { type CallMeter, meter } from "./reinject.ts";

export const SCAN_MODES = REPAIR_SCAN_MODES;
export type ScanMode = (typeof SCAN_MODES)[number];

/** Reasons a list-based scan owns (it may close them when the torrent stopped failing). */
const LIST_REASONS: RepairReason[] = ["dead", "error", "magnet_error", "virus"];
/** Link errors that mean "this torrent's file is gone at the hoster". */
const DEAD_LINK_CODES = new Set([7, 19, 24, 35]);

/** An unrestrict failure that says the file is gone (not a rate limit, outage or auth problem). */
export function isDeadLinkError(error: unknown): boolean {
  if (!(error instanceof ProviderError)) return false;
  const code = typeof error.providerCode === "number" ? error.providerCode : null;
  return error.kind === "not_found" || (code !== null && DEAD_LINK_CODES.has(code));
}

export interface ScanResult {
  scanId: number;
  mode: ScanMode;
  status: "succeeded" | "failed";
  torrentsListed: number;
  /** Links test-unrestricted (full) or symlinks examined (symlinks). */
  checked: number;
  found: number;
  newCandidates: number;
  /** Provider requests made by the scan. */
  requests: number;
  /** symlinks: broken links no torrent could be found for (first 50). */
  unmapped: string[];
  unmappedCount: number;
  closed: number;
  error: string | null;
  durationMs: number;
}

export interface ScanOptions {
  signal?: AbortSignal;
  onLog?: LogLine;
}

/**
 * Finds repair candidates and stores them with the reason they were found. Detection is an
 * observation, not an action: it records candidates even in dry-run mode.
 * - quick: the list endpoint only (one request per 5,000 torrents), torrents in a failed status;
 * - full: quick, plus a bounded sample (REPAIR_FULL_SAMPLE) of downloaded torrents whose first
 *   link is test-unrestricted, least recently checked first, so the rate limit is respected;
 * - symlinks: broken symlinks under the media root, mapped back to their torrent.
 */
export async function scanForRepair(
  deps: Deps,
  mode: ScanMode,
  options: ScanOptions = {},
): Promise<ScanResult> {
  if (!SCAN_MODES.includes(mode))
    throw new ValidationError(`unknown scan mode "${mode}" (${SCAN_MODES.join(", ")})`);
  // Configuration problems are the user's to fix, not a failed scan: refused before anything runs.
  if (mode === "symlinks" && !repairMediaRoot(deps)) {
    throw new ValidationError(
      "the symlinks scan needs the media library: set MEDIA_ROOT (or the Symlinks settings tab)",
    );
  }
  if (mode !== "symlinks" && deps.providers.configured().length === 0) {
    throw new ValidationError("no debrid account is configured: set RD_API_TOKEN");
  }
  const { db } = deps.dbh;
  const started = deps.clock.now();
  const log = options.onLog ?? (() => {});
  const result: ScanResult = {
    scanId: startScan(db, mode, started),
    mode,
    status: "succeeded",
    torrentsListed: 0,
    checked: 0,
    found: 0,
    newCandidates: 0,
    requests: 0,
    unmapped: [],
    unmappedCount: 0,
    closed: 0,
    error: null,
    durationMs: 0,
  };
  const calls: CallMeter = { requests: 0, rateLimited: 0, responseMs: 0 };
  try {
    if (mode === "symlinks") await scanSymlinks(deps, result, options);
    else {
      for (const kind of deps.providers.configured()) {
        if (!deps.providers.get(kind)) continue;
        await scanProvider(deps, kind, mode, result, calls, options);
      }
    }
  } catch (error) {
    result.status = "failed";
    result.error = errorMessage(error);
    log(`scan failed: ${result.error}`, "error");
  }
  result.durationMs = deps.clock.now() - started;
  finishScan(
    db,
    result.scanId,
    {
      status: result.status,
      torrents_listed: result.torrentsListed,
      checked: result.checked,
      found: result.found,
      new_candidates: result.newCandidates,
      requests: result.requests,
      error: result.error,
    },
    deps.clock.now(),
  );
  if (result.status === "succeeded") {
    log(
      `${mode} scan: ${result.found} candidate(s), ${result.newCandidates} new, ${result.requests} request(s)` +
        (result.unmappedCount ? `, ${result.unmappedCount} broken link(s) matched no torrent` : ""),
    );
  }
  deps.bus.publish("repair", "scan", { mode, found: result.found, status: result.status });
  return result;
}

function priorityOf(deps: Deps, reason: string): number {
  const index = deps.config.repair.priority.indexOf(reason as RepairReason);
  return index < 0 ? deps.config.repair.priority.length : index;
}

async function scanProvider(
  deps: Deps,
  kind: ProviderKind,
  mode: ScanMode,
  result: ScanResult,
  calls: CallMeter,
  options: ScanOptions,
): Promise<void> {
  const provider = deps.providers.require(kind);
  const { db } = deps.dbh;
  const failing: string[] = [];
  const downloaded: ProviderTorrent[] = [];
  // The walk's own requests (the client is shared with downloads and the web UI).
  const meter: RequestMeter = { requests: 0, rateLimited: 0 };
  const linkChecksBefore = calls.requests;
  try {
    for await (const page of provider.listTorrents({ signal: options.signal, meter })) {
      result.torrentsListed += page.length;
      for (const t of page) {
        if (FAILED_STATUSES.includes(t.status)) {
          failing.push(t.id);
          record(deps, result, {
            provider: kind,
            torrentId: t.id,
            hash: t.hash,
            filename: t.filename,
            reason: t.status,
            statusSeen: t.status,
            detail: { status: t.status, progress: t.progress, added: t.added },
          });
        } else if (t.status === "downloaded" && t.links.length > 0) downloaded.push(t);
      }
    }
    result.closed += closeNoLongerFailing(db, kind, LIST_REASONS, failing, deps.clock.now());
    if (mode === "full") await checkLinkSample(deps, kind, downloaded, result, calls, options);
  } finally {
    // The list's requests, then one per link test (counted by the call meter).
    result.requests += meter.requests + (calls.requests - linkChecksBefore);
  }
}

/** Tests the first link of the least recently checked downloaded torrents. */
async function checkLinkSample(
  deps: Deps,
  kind: ProviderKind,
  downloaded: ProviderTorrent[],
  result: ScanResult,
  calls: CallMeter,
  options: ScanOptions,
): Promise<void> {
  const provider = deps.providers.require(kind);
  const { db } = deps.dbh;
  const checkedAt = linkCheckTimes(db, kind);
  const sample = downloaded
    .map((t) => ({ t, at: checkedAt.get(t.id) ?? 0 }))
    .sort((a, b) => a.at - b.at)
    .slice(0, deps.config.repair.fullSample)
    .map((s) => s.t);
  for (const t of sample) {
    options.signal?.throwIfAborted();
    const link = t.links[0] as string;
    try {
      await meter(deps, calls)(() => provider.unrestrictLink(link));
      recordLinkCheck(db, { torrentId: t.id, provider: kind, ok: true, error: null }, deps.clock.now());
      result.checked++;
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      const code = typeof error.providerCode === "number" ? error.providerCode : null;
      if (!isDeadLinkError(error)) {
        // Rate limit, outage, auth: not a verdict on this torrent. Stop sampling for this run.
        options.onLog?.(`link check stopped: ${error.message}`, "warn");
        if (error.kind === "auth") throw error;
        return;
      }
      result.checked++;
      recordLinkCheck(
        db,
        { torrentId: t.id, provider: kind, ok: false, error: error.message },
        deps.clock.now(),
      );
      record(deps, result, {
        provider: kind,
        torrentId: t.id,
        hash: t.hash,
        filename: t.filename,
        reason: "link_unavailable",
        statusSeen: t.status,
        detail: { link, error: error.message, code },
      });
    }
  }
}

function record(
  deps: Deps,
  result: ScanResult,
  input: Omit<Parameters<typeof upsertCandidate>[1], "priority">,
): void {
  const { created } = upsertCandidate(
    deps.dbh.db,
    { ...input, priority: priorityOf(deps, input.reason) },
    deps.clock.now(),
  );
  result.found++;
  if (created) result.newCandidates++;
}

async function scanSymlinks(deps: Deps, result: ScanResult, options: ScanOptions): Promise<void> {
  const root = repairMediaRoot(deps) as string;
  const links = await walkMediaLinks(root, {
    signal: options.signal,
    onUnreadable: (path, error) => options.onLog?.(`cannot read ${path}: ${error}`, "warn"),
  });
  result.checked = links.length;
  const rows = symlinkMappingRows(deps.dbh);
  const index = new TorrentLinkIndex(rows.torrents, rows.files);
  const byTorrent = new Map<
    string,
    { torrent: (typeof rows.torrents)[number]; links: string[]; by: string }
  >();
  for (const link of links) {
    if (!link.broken) continue;
    const hit = index.match(link.resolved);
    if (!hit) {
      result.unmappedCount++;
      if (result.unmapped.length < 50) result.unmapped.push(link.path);
      continue;
    }
    const key = torrentKey(hit.torrent.provider, hit.torrent.id);
    const group = byTorrent.get(key) ?? { torrent: hit.torrent, links: [], by: hit.by };
    group.links.push(link.path);
    byTorrent.set(key, group);
  }
  for (const { torrent, links: paths, by } of byTorrent.values()) {
    record(deps, result, {
      provider: torrent.provider,
      torrentId: torrent.id,
      hash: torrent.hash,
      filename: torrent.filename,
      reason: "broken_symlink",
      statusSeen: torrent.removed_at === null ? torrent.status : "removed",
      detail: { links: paths.slice(0, 500), linkCount: paths.length, matchedBy: by },
    });
  }
}
