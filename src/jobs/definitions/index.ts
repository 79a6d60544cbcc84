import type { JobDefinition } from "../types.ts";
import { backupJob } from "./backup.ts";
import { cleanupJob } from "./cleanup.ts";
import { diskCheckJob } from "./disk-check.ts";
import { repairRetryJob, repairScanJob } from "./repair.ts";
import { symlinkCheckJob } from "./symlinks.ts";
import { fullSyncJob, smartSyncJob } from "./sync.ts";

/**
 * Every job of the product, in the order /jobs lists them. A feature adds its job as one file in
 * this folder and one entry here; its schedule variable is JOB_<NAME>_SCHEDULE (add the name to
 * SCHEDULED_JOB_NAMES in src/config/sections/jobs.ts).
 */
export const BUILTIN_JOBS: readonly JobDefinition[] = [
  smartSyncJob,
  fullSyncJob,
  repairScanJob,
  repairRetryJob,
  symlinkCheckJob,
  backupJob,
  cleanupJob,
  diskCheckJob,
];
