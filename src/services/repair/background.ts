import { dismissCandidate, getCandidate } from "../../db/repo/repair.ts";
import type { Deps } from "../../deps.ts";
import { ConflictError, errorMessage, NotFoundError } from "../../errors.ts";
import type { MountWait } from "../downloads/symlink-step.ts";
import { type RunOptions, runRepair } from "./run.ts";
import type { RunResult } from "./types.ts";

/**
 * Runs started from the web UI or the JSON API go on in the background (a run can take minutes
 * of polling); the page polls their state. One at a time per process.
 */
interface BackgroundRun {
  startedAt: number;
  running: boolean;
  result: RunResult | null;
  error: string | null;
  done: Promise<void>;
}

/** The background run of one process (`deps.repairRuns`): the one in progress, or the last one. */
export class RepairRuns {
  last: BackgroundRun | null = null;
  /** Repaired torrents whose links wait for the new files in the mount (relink.ts), by attempt id. */
  readonly relinkWaits = new Map<number, MountWait>();
  /** False once no attempt waits: the relink round then skips its query until a repair adds one. */
  relinksPending = true;
}

export function startRepairRun(deps: Deps, options: Omit<RunOptions, "trigger">): BackgroundRun {
  if (deps.repairRuns.last?.running) throw new ConflictError("a repair run is already in progress");
  const run: BackgroundRun = {
    startedAt: deps.clock.now(),
    running: true,
    result: null,
    error: null,
    done: Promise.resolve(),
  };
  run.done = runRepair(deps, { ...options, trigger: "manual" })
    .then((result) => {
      run.result = result;
    })
    .catch((error) => {
      run.error = errorMessage(error);
      deps.log.error({ err: run.error }, "repair run failed");
    })
    .finally(() => {
      run.running = false;
    });
  deps.repairRuns.last = run;
  return run;
}

/** The run in progress, or the last one of this process. */
export function currentRepairRun(deps: Deps): BackgroundRun | null {
  return deps.repairRuns.last;
}

export function dismissRepairCandidate(deps: Deps, id: number): void {
  const candidate = getCandidate(deps.dbh.db, id);
  if (!candidate) throw new NotFoundError("repair candidate", id);
  if (!dismissCandidate(deps.dbh.db, id, deps.clock.now())) {
    throw new ConflictError(`candidate #${id} is ${candidate.state}: it cannot be dismissed`);
  }
}
