import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  countProblemsByType,
  getScan,
  iterateProblems,
  type SymlinkProblemRow,
} from "../../db/repo/symlinks.ts";
import type { Deps } from "../../deps.ts";
import { formatBytes, formatCount, formatDuration } from "../../lib/format.ts";
import { reportsDir, writeReportFile } from "../reports/index.ts";
import { renderSymlinkScanReport, type SymlinkScanReportRow } from "../reports/symlink-scan.ts";
import { PROBLEM_LABELS, PROBLEM_TYPES, type ProblemType } from "./check.ts";
import { progressFromRow } from "./progress.ts";

/** Rows written into one report; the full list stays in the database and the API. */
const MAX_ROWS = 20_000;

/** Beside the job reports: DATA_DIR/reports/symlinks. */
function symlinkReportsDir(deps: Pick<Deps, "config">): string {
  return join(reportsDir(deps.config), "symlinks");
}

export function reportPathFor(deps: Pick<Deps, "config">, scanId: number): string {
  return join(symlinkReportsDir(deps), `scan-${scanId}.html`);
}

/**
 * Writes the static report of a scan through the report templates (views/reports): one
 * self-contained HTML file (inline CSS, no script), every name escaped, written atomically, with
 * the app's formats (counts, dates in the configured zone, durations) and at most `maxRows`
 * findings ("and K more" says what is left out). Returns its path.
 */
export function writeScanReport(
  deps: Pick<Deps, "config" | "dbh" | "clock" | "reportViews" | "time">,
  scanId: number,
  maxRows = MAX_ROWS,
): string {
  const row = getScan(deps.dbh.db, scanId);
  if (!row) throw new Error(`scan ${scanId} not found`);
  const p = progressFromRow(row, deps.clock.now());
  const byType = countProblemsByType(deps.dbh.db, scanId);
  const total = Object.values(byType).reduce((a, b) => a + b, 0);
  const time = deps.time;
  const shown = Math.min(total, maxRows);
  const page = {
    scanId: p.scanId,
    startedAt: `${time.dateTime(p.startedAt)} (${time.zone})`,
    finishedAt: p.finishedAt ? time.dateTime(p.finishedAt) : "—",
    mode: p.mode,
    depth: p.depth,
    status: p.status,
    statusWords: p.status.replace(/_/g, " "),
    error: p.error,
    root: p.root,
    folders: p.paths.length ? p.paths.join(", ") : "(whole root)",
    checked: `${formatCount(p.done)} of ${formatCount(p.total)}`,
    probed:
      p.depth === "full"
        ? `${formatCount(p.phase2Done)} of ${formatCount(p.phase2Total)}`
        : "not run (basic)",
    duration: formatDuration(p.elapsedMs),
    deleted: `${formatCount(p.deleted)}${p.deleteFailed ? ` (${formatCount(p.deleteFailed)} failed)` : ""}`,
    rescans: formatCount(p.rescans),
    total: formatCount(total),
    more: total > shown ? `and ${formatCount(total - shown)} more` : null,
    byType: PROBLEM_TYPES.map((t) => ({ label: PROBLEM_LABELS[t], count: formatCount(byType[t] ?? 0) })),
  };
  const path = reportPathFor(deps, scanId);
  mkdirSync(symlinkReportsDir(deps), { recursive: true });
  const rows = iterateProblems(deps.dbh, scanId, shown);
  writeReportFile(path, renderSymlinkScanReport(deps.reportViews, page, mapRows(rows)));
  return path;
}

const ENTRY_WORDS: Record<string, string> = { symlink: "link", file: "file", folder: "folder" };

function* mapRows(problems: Iterable<SymlinkProblemRow>): Generator<SymlinkScanReportRow> {
  for (const pr of problems) {
    const size = pr.size !== null && pr.type !== "empty" ? ` · ${formatBytes(pr.size)}` : "";
    yield {
      type: pr.type,
      label: PROBLEM_LABELS[pr.type as ProblemType] ?? pr.type,
      path: pr.path,
      kind: ENTRY_WORDS[pr.kind] ?? pr.kind,
      target: pr.target ?? "",
      detail: `${pr.detail ?? ""}${size}`,
      action: pr.deleted_at ? "deleted" : pr.delete_error ? `not deleted: ${pr.delete_error}` : "",
    };
  }
}

export function removeScanReport(path: string | null): void {
  if (path) rmSync(path, { force: true });
}
