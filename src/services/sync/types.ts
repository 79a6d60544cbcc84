import type { SYNC_DETAIL_REASONS, SYNC_MODES } from "../../../schema/library.ts";
import type { LogLevel } from "../../lib/run-hooks.ts";

export type SyncMode = (typeof SYNC_MODES)[number];

/** Why a smart sync wants a torrent's details, in priority order (lower runs first). */
export type DetailReason = (typeof SYNC_DETAIL_REASONS)[number];

export interface SyncOptions {
  /** The provider to mirror; default: every configured provider, one after the other. */
  provider?: string;
  /** smart: print the plan by reason and call nothing else. */
  dryRun?: boolean;
  /** smart: only torrents whose status changed (plus new ones). */
  statusChangesOnly?: boolean;
  /** smart: also refresh active downloads (default: excluded). */
  includeActive?: boolean;
  /** smart: do not retry torrents in error. */
  skipErrorRetry?: boolean;
  verbose?: boolean;
  /** details: which status to refresh. */
  status?: string;
  /** Stops the run cleanly (checkpoint saved, in-flight writes finish). */
  signal?: AbortSignal;
  /** Live progress (CLI bars, web console, job runs). */
  onProgress?: (progress: SyncProgress) => void;
  /** Human log lines (web console, job logs). */
  onLog?: (line: string, level: LogLevel) => void;
}

export interface SyncProgress {
  phase: "list" | "details" | "done";
  done: number;
  total: number;
  /** Requests per minute over the run so far. */
  ratePerMinute: number;
  etaMs: number | null;
}

export interface SyncResult {
  /** The provider synced; null for the sum of several (see `byProvider`). */
  provider: string | null;
  /** One result per provider synced, in order (the result itself when there was one). */
  byProvider: SyncResult[];
  runId: number | null;
  mode: SyncMode;
  status: "succeeded" | "failed" | "interrupted";
  durationMs: number;
  torrentsSeen: number;
  added: number;
  updated: number;
  removed: number;
  detailsPlanned: number;
  detailsDone: number;
  detailsFailed: number;
  /** Torrents whose details could not be fetched (ids), for the "what is missing" message. */
  missing: string[];
  requests: { total: number; list: number; details: number; rateLimited: number };
  /** smart: planned detail fetches by reason. */
  plan: Partial<Record<DetailReason, number>>;
  error: string | null;
}
