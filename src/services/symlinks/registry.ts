import { listScansWithStatus, updateScan } from "../../db/repo/symlinks.ts";
import type { Deps } from "../../deps.ts";
import { ownerAlive } from "../../lib/process-owner.ts";
import type { ScanProgress } from "./progress.ts";

/** A scan (or its deletion step) running in this process. */
export interface ActiveScan {
  scanId: number;
  controller: AbortController;
  progress: ScanProgress;
  /** Settles when the work ends (never rejects). */
  done: Promise<void>;
}

const registries = new WeakMap<Deps["dbh"], Map<number, ActiveScan>>();

/** Active scans of this process, per database (tests run several side by side). */
export function activeScans(deps: Pick<Deps, "dbh">): Map<number, ActiveScan> {
  let map = registries.get(deps.dbh);
  if (!map) {
    map = new Map();
    registries.set(deps.dbh, map);
  }
  return map;
}

/**
 * Rows left "running" by a process that is gone (crash, kill -9, restart) become
 * "interrupted". Rows of this process that are not in the registry are stale too.
 * Returns the scans genuinely running (here or in another live process).
 */
export function reconcileRunningScans(deps: Pick<Deps, "dbh" | "clock">): number[] {
  const active = activeScans(deps);
  const running: number[] = [];
  for (const row of listScansWithStatus(deps.dbh.db, ["running"])) {
    if (ownerAlive(row.pid, () => active.has(row.id))) {
      running.push(row.id);
      continue;
    }
    updateScan(deps.dbh.db, row.id, {
      status: "interrupted",
      error: row.error ?? "the process running this scan stopped before it finished",
      finished_at: row.finished_at ?? deps.clock.now(),
    });
  }
  return running;
}
