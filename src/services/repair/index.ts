/**
 * Repair (issue 5): find failed torrents, re-inject them correctly, apply the per-failure policy,
 * keep a persisted retry queue, tell Sonarr/Radarr. Entry points for the CLI, pages and jobs.
 */

export { currentRepairRun, dismissRepairCandidate, startRepairRun } from "./background.ts";
export { SCAN_MODES, type ScanMode, type ScanResult, scanForRepair } from "./detect.ts";
export { FAILURE_POLICY, type FailureClass } from "./policy.ts";
export {
  type RepairHistory,
  type RepairOverview,
  repairHistory,
  repairOverview,
  repairQueue,
  torrentRepairAttempts,
} from "./queries.ts";
export { type RunOptions, reinjectTorrent, runRepair } from "./run.ts";
export type { ItemOutcome, ItemResult, RepairTrigger, RunResult } from "./types.ts";
