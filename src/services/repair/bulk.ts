import { getCandidate } from "../../db/repo/repair.ts";
import type { Deps } from "../../deps.ts";
import { errorMessage, ValidationError } from "../../errors.ts";
import { dismissRepairCandidate } from "./background.ts";
import { reinjectTorrent } from "./run.ts";

/** Dismiss or re-inject the candidates picked on /repair, one after the other. */

export const BULK_ACTIONS = ["dismiss", "reinject"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
/** A page of the /repair table at most: re-injections call the provider one by one. */
export const BULK_MAX = 200;

export interface BulkResult {
  action: BulkAction;
  dryRun: boolean;
  /** Candidate id → what happened ("dismissed", "repaired", "planned", ...). */
  done: { id: number; name: string; outcome: string }[];
  failed: { id: number; name: string; error: string }[];
}

export async function repairBulk(
  deps: Deps,
  action: BulkAction,
  ids: readonly number[],
  options: { dryRun?: boolean } = {},
): Promise<BulkResult> {
  if (ids.length === 0) throw new ValidationError("select at least one candidate");
  if (ids.length > BULK_MAX) throw new ValidationError(`at most ${BULK_MAX} candidates at once`);
  const dryRun = options.dryRun ?? deps.config.dryRun;
  const result: BulkResult = { action, dryRun, done: [], failed: [] };
  for (const id of ids) {
    const candidate = getCandidate(deps.dbh.db, id);
    const name = candidate?.filename || candidate?.torrent_id || `#${id}`;
    try {
      if (!candidate) throw new ValidationError(`candidate #${id} does not exist`);
      if (action === "dismiss") {
        dismissRepairCandidate(deps, id);
        result.done.push({ id, name, outcome: "dismissed" });
      } else {
        const item = await reinjectTorrent(deps, candidate.torrent_id, {
          dryRun,
          trigger: "manual",
          provider: candidate.provider,
        });
        const ok = ["repaired", "planned", "skipped"].includes(item.outcome);
        if (ok) result.done.push({ id, name, outcome: item.outcome });
        else result.failed.push({ id, name, error: item.error ?? item.outcome });
      }
    } catch (error) {
      // One candidate failing (refused, gone, provider down) never stops the others.
      result.failed.push({ id, name, error: errorMessage(error) });
    }
  }
  return result;
}
