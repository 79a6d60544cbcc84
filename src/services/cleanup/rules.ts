import { rmSync } from "node:fs";
import type { Config } from "../../config/index.ts";
import { deleteRunsBefore, reportPathsBefore } from "../../db/repo/jobs.ts";
import { deleteSamplesBefore } from "../../db/repo/metrics.ts";
import type { Deps } from "../../deps.ts";
import { repairAttemptsRetention } from "../repair/retention.ts";
import { resolveReportFile } from "../reports/index.ts";

/**
 * What the cleanup job deletes, one rule per kind of history. A feature with its own history
 * (repair attempts, symlink scans, download records) adds a rule to RETENTION_RULES below,
 * with its SQL in its own repo file.
 */
export interface RetentionRule {
  /** Shown in the cleanup report and used as the count name ("job_runs"). */
  name: string;
  description: string;
  /** Age limit in days, usually from the config. */
  days(config: Config): number;
  /** Deletes what is older than `cutoff` (epoch ms); returns how many rows/files went. */
  apply(deps: Deps, cutoff: number): number;
}

const jobHistory: RetentionRule = {
  name: "job_runs",
  description: "job runs with their log lines (and their reports)",
  days: (config) => config.jobs.historyDays,
  apply(deps, cutoff) {
    for (const path of reportPathsBefore(deps.dbh.db, cutoff)) {
      const file = resolveReportFile(deps.config, path);
      if (file) rmSync(file, { force: true });
    }
    return deleteRunsBefore(deps.dbh.db, cutoff);
  },
};

const metricSamples: RetentionRule = {
  name: "metric_samples",
  description: "stored metric samples (requests per minute by provider)",
  days: (config) => config.jobs.metricsDays,
  apply: (deps, cutoff) => deleteSamplesBefore(deps.dbh.db, cutoff),
};

export const RETENTION_RULES: RetentionRule[] = [jobHistory, metricSamples, repairAttemptsRetention];
