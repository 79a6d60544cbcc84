import {
  countProblems,
  countProblemsByType,
  getScan,
  listProblems,
  listScans,
  pruneScans,
  type SymlinkProblemRow,
  tallyProblems,
  updateScan,
} from "../../db/repo/symlinks.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage, NotFoundError, ValidationError } from "../../errors.ts";
import { PROBLEM_TYPES, type ProblemType } from "./check.ts";
import { progressFromRow, rowFromProgress, type ScanProgress } from "./progress.ts";
import { type ActiveScan, reconcileRunningScans } from "./registry.ts";
import { removeScanReport, writeScanReport } from "./report.ts";
import { getSymlinkSettings } from "./settings.ts";

/** Live progress when the scan runs in this process, else what its row says. */
export function getScanProgress(deps: Deps, scanId: number): ScanProgress {
  const active = deps.symlinks.scans.get(scanId);
  if (active) return { ...active.progress, elapsedMs: deps.clock.now() - active.progress.startedAt };
  reconcileRunningScans(deps);
  const row = getScan(deps.dbh.db, scanId);
  if (!row) throw new NotFoundError("scan", scanId);
  return progressFromRow(row, deps.clock.now());
}

/** The history, newest first (retention keeps it short), with live rows for running scans. */
export function listScanHistory(deps: Deps, limit = 20): ScanProgress[] {
  reconcileRunningScans(deps);
  const active = deps.symlinks.scans;
  return listScans(deps.dbh.db, limit).map((row) => {
    const live = active.get(row.id);
    return live ? { ...live.progress } : progressFromRow(row, deps.clock.now());
  });
}

export function parseProblemTypes(input: unknown): ProblemType[] | undefined {
  if (input === undefined || input === null || input === "" || input === "all") return undefined;
  const list = Array.isArray(input) ? input : String(input).split(",");
  const types = list.map((t) => String(t).trim()).filter(Boolean);
  for (const t of types) {
    if (!(PROBLEM_TYPES as readonly string[]).includes(t)) {
      throw new ValidationError(`unknown problem type: ${t} (known: ${PROBLEM_TYPES.join(", ")})`);
    }
  }
  return types.length > 0 ? (types as ProblemType[]) : undefined;
}

export function listScanProblems(
  deps: Deps,
  scanId: number,
  options: { types?: ProblemType[]; query?: string; limit?: number; offset?: number } = {},
): { total: number; byType: Record<string, number>; problems: SymlinkProblemRow[] } {
  if (!getScan(deps.dbh.db, scanId)) throw new NotFoundError("scan", scanId);
  const query = options.query || undefined;
  const byType = countProblemsByType(deps.dbh.db, scanId, { query });
  const total = options.types
    ? options.types.reduce((sum, t) => sum + (byType[t] ?? 0), 0)
    : Object.values(byType).reduce((a, b) => a + b, 0);
  const problems = listProblems(deps.dbh.db, scanId, {
    types: options.types,
    query,
    limit: Math.min(Math.max(options.limit ?? 200, 1), 5000),
    offset: Math.max(options.offset ?? 0, 0),
  });
  return { total, byType, problems };
}

/**
 * Shares the progress of a running scan: on the bus at most 4 times a second (pages), in its
 * row about once a second (other processes), and always when `force` (phase/status change).
 */
export function publishProgress(deps: Deps, active: ActiveScan, force = false): void {
  const now = deps.clock.now();
  const last = active.published;
  // A finished run keeps its own duration (the report written after it is not the scan).
  active.progress.elapsedMs = (active.progress.finishedAt ?? now) - active.progress.startedAt;
  if (force || now - last.bus >= 250) {
    deps.bus.publish("symlinks", "progress", { ...active.progress });
    last.bus = now;
  }
  if (force || now - last.db >= 1000) {
    updateScan(deps.dbh.db, active.scanId, rowFromProgress(active.progress));
    last.db = now;
  }
}

/**
 * Ends a run: saves the row, writes the report, applies retention, publishes the final state
 * and leaves the registry. Never throws (a report that cannot be written is logged).
 */
export function finalizeScan(deps: Deps, active: ActiveScan): void {
  const p = active.progress;
  try {
    // The report reads the row: save the final state first, then the report's path.
    updateScan(deps.dbh.db, active.scanId, rowFromProgress(p));
    try {
      p.reportPath = writeScanReport(deps, active.scanId);
    } catch (error) {
      deps.log.warn({ scanId: active.scanId, err: errorMessage(error) }, "symlink report not written");
    }
    publishProgress(deps, active, true);
    pruneHistory(deps);
  } catch (error) {
    deps.log.error(
      { scanId: active.scanId, err: errorMessage(error) },
      "symlink scan could not be finalized",
    );
  } finally {
    deps.symlinks.scans.delete(active.scanId);
  }
}

export function pruneHistory(deps: Deps): number {
  const removed = pruneScans(deps.dbh.db, getSymlinkSettings(deps).historyKeep);
  for (const row of removed) removeScanReport(row.report_path);
  return removed.length;
}

export type FindingOutcome = "pending" | "deleted" | "failed";

/**
 * One page of a scan's findings for the scan page: filtered by type, path search and what
 * deletion did; with the counts of each type (under the search) and of each outcome.
 */
export function scanFindings(
  deps: Deps,
  scanId: number,
  options: { types?: ProblemType[]; query?: string; outcome?: FindingOutcome; page: number; perPage: number },
) {
  const db = deps.dbh.db;
  if (!getScan(db, scanId)) throw new NotFoundError("scan", scanId);
  const query = options.query || undefined;
  const tally = tallyProblems(db, scanId, { query });
  const typeOk = (type: string) => !options.types || options.types.includes(type as ProblemType);
  const outcomeOk = (outcome: FindingOutcome) => !options.outcome || options.outcome === outcome;
  const byType: Record<string, number> = {};
  const outcomes = { pending: 0, deleted: 0, failed: 0 };
  let total = 0;
  for (const t of tally) {
    if (outcomeOk(t.outcome)) byType[t.type] = (byType[t.type] ?? 0) + t.n;
    if (typeOk(t.type)) outcomes[t.outcome] += t.n;
    if (typeOk(t.type) && outcomeOk(t.outcome)) total += t.n;
  }
  const pages = Math.max(1, Math.ceil(total / options.perPage));
  const page = Math.min(Math.max(options.page, 1), pages);
  const rows = listProblems(db, scanId, {
    types: options.types,
    query,
    outcome: options.outcome,
    limit: options.perPage,
    offset: (page - 1) * options.perPage,
  });
  return {
    total,
    page,
    pages,
    perPage: options.perPage,
    first: total === 0 ? 0 : (page - 1) * options.perPage + 1,
    rows,
    byType,
    outcomes,
  };
}

/** What a confirmed deletion did: the links/files removed and those it could not remove (with why). */
export function deletionOutcome(deps: Deps, scanId: number, shown = 10) {
  const db = deps.dbh.db;
  const part = (outcome: "deleted" | "failed") => {
    const total = countProblems(db, scanId, { outcome });
    const rows = listProblems(db, scanId, { outcome, limit: shown });
    return { total, rows, more: Math.max(0, total - rows.length) };
  };
  return { deleted: part("deleted"), failed: part("failed") };
}
