/**
 * Repair (issue 5): find failed torrents, re-inject them correctly, apply the per-failure policy,
 * keep a persisted retry queue, tell Sonarr/Radarr. Entry points for the CLI, pages and jobs.
 */

/** The states a candidate can be in (the API filters on them). */
export { CANDIDATE_STATES } from "../../db/repo/repair.ts";
export { currentRepairRun, dismissRepairCandidate, startRepairRun } from "./background.ts";
export { BULK_ACTIONS, type BulkAction, type BulkResult, repairBulk } from "./bulk.ts";
export { SCAN_MODES, type ScanMode, type ScanResult, scanForRepair } from "./detect.ts";
export {
  type RepairHistory,
  repairCandidatePage,
  repairHistory,
  repairOverview,
  repairQueue,
  torrentRepairAttempts,
} from "./queries.ts";
export { reinjectTorrent, runRepair } from "./run.ts";
export type { ItemResult, RunResult } from "./types.ts";
