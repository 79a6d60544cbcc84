import { nextCandidates } from "../db/repo/repair.ts";
import type { Deps } from "../deps.ts";
import { errorMessage } from "../errors.ts";
import type { JobRunner } from "./runner.ts";

/**
 * A retry that fell due while Redriva was down runs at the next start, not at the next
 * repair-retry schedule: triggers that job once when the queue has anything overdue.
 * Not when the repair-retry schedule is off. Returns whether it triggered.
 */
export function catchUpRepairRetries(deps: Deps, runner: JobRunner): boolean {
  // The user turned automatic retries off (or repair is not configured): leave the queue alone.
  if (!runner.schedule("repair-retry").expression) return false;
  const overdue = nextCandidates(deps.dbh.db, { now: deps.clock.now(), limit: 1, retriesOnly: true });
  if (overdue.length === 0) return false;
  try {
    runner.trigger("repair-retry", "schedule");
    deps.log.info("repair: retries fell due while stopped; running them now");
    return true;
  } catch (error) {
    deps.log.warn({ err: errorMessage(error) }, "repair: could not run the overdue retries at start");
    return false;
  }
}
