/**
 * The symlink checker (issue 6): two-phase scan of the media library (links and media files,
 * then ffprobe), dry-run or real with a confirmed deletion list, Sonarr/Radarr rescans.
 * Pages, the JSON API, the CLI and the scheduled job all come through these functions.
 */
import type { Deps } from "../../deps.ts";
import { AppError } from "../../errors.ts";
import type { ScanProgress } from "./progress.ts";
import { runScan } from "./scan.ts";

export { PROBLEM_LABELS, PROBLEM_TYPES } from "./check.ts";
export { confirmDeletion, type DeletionSelection, deletionPlan } from "./deletion.ts";
export { previewDeletion } from "./deletion-preview.ts";
export {
  deletionOutcome,
  type FindingOutcome,
  getScanProgress,
  listScanHistory,
  listScanProblems,
  parseProblemTypes,
  scanFindings,
} from "./history.ts";
export { isActive, type ScanProgress } from "./progress.ts";
export { reportPathFor } from "./report.ts";
export { cancelScan, rerunScan, runScan, startScan } from "./scan.ts";
export { getSymlinkSettings, SETTINGS_LIMITS, saveSymlinkSettings } from "./settings.ts";
export { getDirectoryTree } from "./tree.ts";

export interface SymlinkCheckResult {
  scanId: number;
  status: ScanProgress["status"];
  /** Links and media files checked in phase 1. */
  checked: number;
  problems: number;
  counts: ScanProgress["counts"];
  reportPath: string | null;
  durationMs: number;
}

/**
 * For the scheduled "symlink check" job: a dry-run, basic (phase 1) scan of the whole media
 * root; it never deletes. `signal` cancels it (the scan ends "cancelled", recorded). Resolves
 * with the counts and the report path when the scan completed; throws an AppError when it
 * failed or was cancelled, so the job is never reported as a success on partial work.
 */
export async function runSymlinkCheck(
  deps: Deps,
  options: {
    signal?: AbortSignal;
    onLog?: (line: string) => void;
    onProgress?: (progress: ScanProgress) => void;
    depth?: "basic" | "full";
  } = {},
): Promise<SymlinkCheckResult> {
  const log = options.onLog ?? (() => {});
  let lastPhase = "";
  const progress = await runScan(
    deps,
    { mode: "dry-run", depth: options.depth ?? "basic", paths: [] },
    {
      signal: options.signal,
      onProgress: (p) => {
        options.onProgress?.(p);
        if (p.phase !== lastPhase) {
          lastPhase = p.phase;
          log(`scan #${p.scanId}: ${p.phase}${p.total ? ` (${p.total} links/files)` : ""}`);
        }
      },
    },
  );
  const c = progress.counts;
  log(
    `scan #${progress.scanId} ${progress.status}: ${progress.done} checked, ${progress.problems} problems ` +
      `(broken ${c.broken}, inaccessible ${c.inaccessible}, empty ${c.empty}, I/O ${c.io_error}, corrupt ${c.corrupt}, timeout ${c.timeout})` +
      (progress.reportPath ? `; report ${progress.reportPath}` : ""),
  );
  if (progress.status === "cancelled")
    throw new AppError("interrupted", `symlink scan #${progress.scanId} was cancelled`);
  if (progress.status !== "completed") {
    throw new AppError(
      "internal",
      `symlink scan #${progress.scanId} ${progress.status}: ${progress.error ?? "unknown error"}`,
    );
  }
  return {
    scanId: progress.scanId,
    status: progress.status,
    checked: progress.done,
    problems: progress.problems,
    counts: progress.counts,
    reportPath: progress.reportPath,
    durationMs: progress.elapsedMs,
  };
}
