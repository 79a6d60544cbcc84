import { deleteAttemptsBefore } from "../../db/repo/repair-attempts.ts";
import type { Deps } from "../../deps.ts";
import type { RetentionRule } from "../cleanup/retention-rule.ts";

/** Cleanup job rule: repair attempts older than ATTEMPTS_RETENTION_DAYS. */
export const repairAttemptsRetention: RetentionRule<Deps> = {
  name: "repair_attempts",
  description: "repair attempts (re-injections and deletions)",
  days: (deps) => deps.config.jobs.attemptsDays,
  apply: (deps, cutoff) => deleteAttemptsBefore(deps.dbh.db, cutoff),
};
