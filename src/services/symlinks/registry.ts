import { listScansWithStatus, updateScan } from "../../db/repo/symlinks.ts";
import type { Deps } from "../../deps.ts";
import { ownerAlive } from "../../lib/process-owner.ts";
import type { ScanProgress } from "./progress.ts";
import type { ActiveScan } from "./runtime.ts";

export type { ActiveScan } from "./runtime.ts";

/** Registers a scan (or deletion) that starts running in this process now. */
export function registerActiveScan(
  deps: Pick<Deps, "symlinks">,
  scanId: number,
  progress: ScanProgress,
): ActiveScan {
  const active: ActiveScan = {
    scanId,
    controller: new AbortController(),
    progress,
    done: Promise.resolve(),
    published: { bus: 0, db: 0 },
  };
  deps.symlinks.scans.set(scanId, active);
  return active;
}

/**
 * Rows left "running" by a process that is gone (crash, kill -9, restart) become
 * "interrupted". Rows of this process that are not in the registry are stale too.
 * Returns the scans genuinely running (here or in another live process).
 */
export function reconcileRunningScans(deps: Pick<Deps, "dbh" | "clock" | "symlinks">): number[] {
  const active = deps.symlinks.scans;
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
