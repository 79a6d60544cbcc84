import { rmSync } from "node:fs";
import { deleteRunsBefore, reportPathsBefore } from "../../db/repo/jobs.ts";
import { deleteSamplesBefore } from "../../db/repo/metrics.ts";
import type { Deps } from "../../deps.ts";
import { repairAttemptsRetention } from "../repair/retention.ts";
import { resolveReportFile } from "../reports/index.ts";
import type { RetentionRule } from "./retention-rule.ts";

const jobHistory: RetentionRule<Deps> = {
  name: "job_runs",
  description: "job runs with their log lines (and their reports)",
  days: (deps) => deps.config.jobs.historyDays,
  apply(deps, cutoff) {
    for (const path of reportPathsBefore(deps.dbh.db, cutoff)) {
      const file = resolveReportFile(deps.config, path);
      if (file) rmSync(file, { force: true });
    }
    return deleteRunsBefore(deps.dbh.db, cutoff);
  },
};

const metricSamples: RetentionRule<Deps> = {
  name: "metric_samples",
  description: "stored metric samples (requests per minute by provider)",
  days: (deps) => deps.config.jobs.metricsDays,
  apply: (deps, cutoff) => deleteSamplesBefore(deps.dbh.db, cutoff),
};

export const RETENTION_RULES: Array<RetentionRule<Deps>> = [
  jobHistory,
  metricSamples,
  repairAttemptsRetention,
];
