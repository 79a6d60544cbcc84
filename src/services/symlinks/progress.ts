import type { SymlinkScanRow } from "../../db/repo/symlinks.ts";
import type { ProblemType } from "./check.ts";

export type ScanMode = SymlinkScanRow["mode"];
export type ScanDepth = SymlinkScanRow["depth"];
export type ScanStatus = SymlinkScanRow["status"];
export type ScanPhase = SymlinkScanRow["phase"];

/** Counts per verdict; `ok` = passed phase 1 (and phase 2 when it ran). */
export type ScanCounts = Record<ProblemType, number> & { ok: number; skipped: number };

export function emptyCounts(): ScanCounts {
  return { ok: 0, skipped: 0, broken: 0, inaccessible: 0, empty: 0, io_error: 0, corrupt: 0, timeout: 0 };
}

/** What pages, the API and the CLI show about one scan, live or from the history. */
export interface ScanProgress {
  scanId: number;
  status: ScanStatus;
  phase: ScanPhase;
  mode: ScanMode;
  depth: ScanDepth;
  paths: string[];
  root: string;
  startedAt: number;
  finishedAt: number | null;
  elapsedMs: number;
  /** Folders listed so far. */
  folders: number;
  /** Links and media files to check in phase 1; known once listing ends. */
  total: number;
  done: number;
  phase2Total: number;
  phase2Done: number;
  /** Announced before phase 2 started (ms). */
  phase2EstimateMs: number | null;
  /** Items per second in the current phase. */
  rate: number;
  etaMs: number | null;
  counts: ScanCounts;
  problems: number;
  deleted: number;
  deleteFailed: number;
  rescans: number;
  error: string | null;
  reportPath: string | null;
  /** Set while awaiting confirmation: the token of the full deletion list. */
  confirmToken: string | null;
}

export function isActive(progress: Pick<ScanProgress, "status">): boolean {
  return progress.status === "running";
}

/** Rebuilds the progress view of a finished (or other-process) scan from its row. */
export function progressFromRow(row: SymlinkScanRow, now: number): ScanProgress {
  const counts: ScanCounts = {
    ok: row.phase1_ok,
    skipped: 0,
    broken: row.phase1_broken,
    inaccessible: row.phase1_inaccessible,
    empty: row.phase1_empty,
    io_error: row.phase1_io_error,
    corrupt: row.phase2_corrupt,
    timeout: row.phase2_timeout,
  };
  const problems =
    counts.broken + counts.inaccessible + counts.empty + counts.io_error + counts.corrupt + counts.timeout;
  return {
    scanId: row.id,
    status: row.status as ScanStatus,
    phase: row.phase as ScanPhase,
    mode: row.mode as ScanMode,
    depth: row.depth as ScanDepth,
    paths: parsePaths(row.paths),
    root: row.root,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    elapsedMs: row.duration_ms ?? Math.max(0, now - row.started_at),
    folders: 0,
    total: row.total,
    done: row.phase1_checked,
    phase2Total: row.phase2_total,
    phase2Done: row.phase2_analyzed,
    phase2EstimateMs: row.phase2_estimate_ms,
    rate: 0,
    etaMs: null,
    counts,
    problems,
    deleted: row.deleted,
    deleteFailed: row.delete_failed,
    rescans: row.rescans,
    error: row.error,
    reportPath: row.report_path,
    confirmToken: null,
  };
}

/** The columns of a scan row that mirror its progress. */
export function rowFromProgress(p: ScanProgress) {
  return {
    status: p.status,
    phase: p.phase,
    total: p.total,
    phase1_checked: p.done,
    phase1_ok: p.counts.ok,
    phase1_broken: p.counts.broken,
    phase1_inaccessible: p.counts.inaccessible,
    phase1_empty: p.counts.empty,
    phase1_io_error: p.counts.io_error,
    phase2_total: p.phase2Total,
    phase2_analyzed: p.phase2Done,
    phase2_corrupt: p.counts.corrupt,
    phase2_timeout: p.counts.timeout,
    phase2_estimate_ms: p.phase2EstimateMs,
    deleted: p.deleted,
    delete_failed: p.deleteFailed,
    rescans: p.rescans,
    error: p.error,
    report_path: p.reportPath,
    finished_at: p.finishedAt,
    duration_ms: p.finishedAt ? p.finishedAt - p.startedAt : null,
  };
}

function parsePaths(json: string): string[] {
  try {
    const value = JSON.parse(json);
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}
