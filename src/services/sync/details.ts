import { explainDatabaseError, isDiskFull } from "../../db/errors.ts";
import { markRemoved, recordDetailsError, saveTorrentDetails } from "../../db/repo/library.ts";
import { markRunItem, pendingRunItems } from "../../db/repo/sync-runs.ts";
import type { Deps } from "../../deps.ts";
import { type AppError, errorMessage } from "../../errors.ts";
import {
  type CallOptions,
  type DebridProvider,
  ProviderError,
  type ProviderTorrentInfo,
  type RequestMeter,
} from "../../providers/types.ts";
import { ProgressMeter } from "./progress.ts";
import type { SyncOptions } from "./types.ts";

export interface DetailsResult {
  done: number;
  failed: number;
  gone: number;
  /** Stopped by the signal before every item was tried. */
  interrupted: boolean;
  /** A fatal error (bad token, full disk) stopped the phase. */
  fatal: AppError | null;
}

/**
 * Fetches the pending details of a run. Workers pull items in priority order; the shared limiter
 * paces them, so a few workers keep the pipeline at the allowed rate whatever the latency. Each
 * item's details and its checkpoint are written in one transaction: a kill -9 loses at most the
 * requests in flight, which `sync resume` simply makes again.
 */
export async function fetchPendingDetails(
  deps: Deps,
  provider: DebridProvider,
  runId: number,
  options: SyncOptions,
  meter: RequestMeter,
  onCounters: (c: { done: number; failed: number; requests: number }) => void,
): Promise<DetailsResult> {
  const items = pendingRunItems(deps.dbh, runId);
  const result: DetailsResult = { done: 0, failed: 0, gone: 0, interrupted: false, fatal: null };
  const progress = new ProgressMeter(deps.clock.now, items.length);
  const startRequests = meter.requests;
  const batchSize = provider.getTorrents ? Math.max(1, provider.detailsBatch ?? 1) : 1;
  let next = 0;
  const concurrency = Math.min(8, Math.max(1, Math.ceil(items.length / batchSize)));

  /** Stores one item's outcome; false when the phase must stop (fatal error, signal). */
  const settle = (item: (typeof items)[number], outcome: ProviderTorrentInfo | unknown): boolean => {
    if (!isInfo(outcome)) {
      const error = outcome;
      if (options.signal?.aborted) return false;
      if ((error instanceof ProviderError && error.kind === "auth") || isDiskFull(error)) {
        // The item's transaction was rolled back: it stays pending for `sync resume`.
        result.fatal = explainDatabaseError(error, deps.dbh.path) as AppError;
        return false;
      }
      try {
        if (error instanceof ProviderError && error.kind === "not_found") {
          // Deleted at the provider since the list was read.
          markRemoved(deps.dbh, provider.kind, item.torrent_id, deps.clock.now());
          markRunItem(deps.dbh, runId, item.torrent_id, "gone");
          result.gone++;
        } else {
          const message = errorMessage(error);
          recordDetailsError(deps.dbh, provider.kind, item.torrent_id, message, deps.clock.now());
          markRunItem(deps.dbh, runId, item.torrent_id, "failed", message);
          result.failed++;
          options.onLog?.(`details ${item.torrent_id} failed: ${message}`, "warn");
        }
      } catch (writeError) {
        // The disk filled up while recording the failure: stop every worker.
        result.fatal = explainDatabaseError(writeError, deps.dbh.path) as AppError;
        return false;
      }
    } else {
      try {
        deps.dbh.sqlite.transaction(() => {
          saveTorrentDetails(deps.dbh, provider.kind, outcome, deps.clock.now());
          markRunItem(deps.dbh, runId, item.torrent_id, "done");
        })();
      } catch (error) {
        return settle(item, error);
      }
      result.done++;
      if (options.verbose)
        options.onLog?.(`details ${item.torrent_id} (${item.reason}): ${outcome.filename}`, "info");
    }
    const requests = meter.requests - startRequests;
    try {
      onCounters({ done: result.done, failed: result.failed, requests });
    } catch (writeError) {
      result.fatal = explainDatabaseError(writeError, deps.dbh.path) as AppError;
      return false;
    }
    options.onProgress?.(progress.snapshot(result.done + result.failed + result.gone, requests));
    return true;
  };

  const worker = async () => {
    while (next < items.length) {
      if (options.signal?.aborted || result.fatal) return;
      const batch = items.slice(next, next + batchSize);
      next += batch.length;
      const outcomes = await fetchDetails(
        provider,
        batch.map((item) => item.torrent_id),
        { signal: options.signal, meter },
      );
      for (const [i, item] of batch.entries()) if (!settle(item, outcomes[i])) return;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.interrupted =
    Boolean(options.signal?.aborted) && result.done + result.failed + result.gone < items.length;
  return result;
}

/** Each id's details or the error for it: one getTorrents call when the provider has it. */
async function fetchDetails(
  provider: DebridProvider,
  ids: string[],
  options: CallOptions,
): Promise<Array<ProviderTorrentInfo | unknown>> {
  if (provider.getTorrents) {
    try {
      const found = await provider.getTorrents(ids, options);
      return ids.map((id) => found.get(id) ?? notListed(provider, id));
    } catch (error) {
      return ids.map(() => error);
    }
  }
  return Promise.all(ids.map((id) => provider.getTorrent(id, options).catch((error: unknown) => error)));
}

function notListed(provider: DebridProvider, id: string): ProviderError {
  return new ProviderError({
    provider: provider.kind,
    kind: "not_found",
    message: `${provider.kind} has no torrent ${id}`,
  });
}

function isInfo(value: unknown): value is ProviderTorrentInfo {
  return typeof value === "object" && value !== null && Array.isArray((value as ProviderTorrentInfo).files);
}
