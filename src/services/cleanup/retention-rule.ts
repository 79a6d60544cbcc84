/**
 * What the cleanup job deletes, one rule per kind of history. A feature with its own history
 * (repair attempts, symlink scans, download records) adds a rule to RETENTION_RULES (rules.ts),
 * with its SQL in its own repo file. Imports nothing: `D` is what cleanup hands every rule
 * (Redriva's Deps), so a feature's rule file and cleanup share this without importing each other.
 */
export interface RetentionRule<D> {
  /** Shown in the cleanup report and used as the count name ("job_runs"). */
  name: string;
  description: string;
  /** Age limit in days, usually from the config. */
  days(deps: D): number;
  /** Deletes what is older than `cutoff` (epoch ms); returns how many rows/files went. */
  apply(deps: D, cutoff: number): number;
}
