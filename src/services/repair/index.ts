/**
 * Repair (issue 5): find failed torrents, re-inject them correctly, apply the per-failure policy,
 * keep a persisted retry queue, tell Sonarr/Radarr. Entry points for the CLI, pages and jobs.
 */

/** The states a candidate can be in (the API filters on them). */
export { CANDIDATE_STATES, type CandidateState } from "../../db/repo/repair.ts";
export { currentRepairRun, dismissRepairCandidate, startRepairRun } from "./background.ts";
export { SCAN_MODES, type ScanMode, type ScanResult, scanForRepair } from "./detect.ts";
export type { FailureClass } from "./policy.ts";
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
