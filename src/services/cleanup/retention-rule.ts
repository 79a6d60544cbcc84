import type { Config } from "../../config/index.ts";
import type { Deps } from "../../deps.ts";

/**
 * What the cleanup job deletes, one rule per kind of history. A feature with its own history
 * (repair attempts, symlink scans, download records) adds a rule to RETENTION_RULES (rules.ts),
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
