import { explainDatabaseError, isDiskFull } from "../../db/errors.ts";
import { markRemoved, recordDetailsError, saveTorrentDetails } from "../../db/repo/library.ts";
import { markRunItem, pendingRunItems } from "../../db/repo/sync-runs.ts";
import type { Deps } from "../../deps.ts";
import { type AppError, errorMessage } from "../../errors.ts";
import { type DebridProvider, ProviderError, type RequestMeter } from "../../providers/types.ts";
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
  let next = 0;
  const concurrency = Math.min(8, Math.max(1, items.length));

  const worker = async () => {
    while (next < items.length) {
      if (options.signal?.aborted || result.fatal) return;
      const item = items[next++];
      if (!item) return;
      try {
        const info = await provider.getTorrent(item.torrent_id, { signal: options.signal, meter });
        deps.dbh.sqlite.transaction(() => {
          saveTorrentDetails(deps.dbh, provider.kind, info, deps.clock.now());
          markRunItem(deps.dbh, runId, item.torrent_id, "done");
        })();
        result.done++;
        if (options.verbose)
          options.onLog?.(`details ${item.torrent_id} (${item.reason}): ${info.filename}`, "info");
      } catch (error) {
        if (options.signal?.aborted) return;
        if ((error instanceof ProviderError && error.kind === "auth") || isDiskFull(error)) {
          // The item's transaction was rolled back: it stays pending for `sync resume`.
          result.fatal = explainDatabaseError(error, deps.dbh.path) as AppError;
          return;
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
          return;
        }
      }
      const requests = meter.requests - startRequests;
      try {
        onCounters({ done: result.done, failed: result.failed, requests });
      } catch (writeError) {
        result.fatal = explainDatabaseError(writeError, deps.dbh.path) as AppError;
        return;
      }
      options.onProgress?.(progress.snapshot(result.done + result.failed + result.gone, requests));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.interrupted =
    Boolean(options.signal?.aborted) && result.done + result.failed + result.gone < items.length;
  return result;
}
