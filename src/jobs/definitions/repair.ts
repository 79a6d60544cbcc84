import { repairAvailability, repairRetryJobRun, repairScanJobRun } from "../../services/repair/jobs.ts";
import type { JobDefinition } from "../types.ts";

/**
 * Repair jobs (issue 5). With DRY_RUN on (the default) they only record what they would do.
 * Overdue retries also run at start (src/services/repair/startup.ts).
 */
export const repairScanJob: JobDefinition = {
  name: "repair-scan",
  description: "Finds dead or broken torrents and re-injects them (retry queue for the rest)",
  defaultSchedule: "0 */6 * * *",
  availability: repairAvailability,
  run: repairScanJobRun,
};

export const repairRetryJob: JobDefinition = {
  name: "repair-retry",
  description: "Re-injects queued torrents whose retry time has come",
  defaultSchedule: "*/30 * * * *",
  availability: repairAvailability,
  run: repairRetryJobRun,
};
