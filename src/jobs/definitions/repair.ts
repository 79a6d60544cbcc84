import { notAvailableYet } from "./placeholder.ts";

/**
 * Repair jobs (issue 5). The repair feature wires its scan and retry services here: replace the
 * placeholders with `{ name, description, defaultSchedule, run(ctx) }` definitions calling them.
 */
export const repairScanJob = notAvailableYet(
  "repair-scan",
  "Finds dead or broken torrents and queues them for re-injection",
  "0 */6 * * *",
  "the repair feature is not installed yet",
);

export const repairRetryJob = notAvailableYet(
  "repair-retry",
  "Re-injects queued torrents whose retry time has come",
  "*/30 * * * *",
  "the repair feature is not installed yet",
);
