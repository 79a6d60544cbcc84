import { join } from "node:path";
import { countProblems } from "../../db/repo/symlinks.ts";
import type { Deps } from "../../deps.ts";
import { rescanTargets } from "../arr/index.ts";
import { type DeletionSelection, deletionPlan } from "./deletion.ts";
import { getScanProgress } from "./history.ts";

/** Paths a confirmation lists by name; the rest is "and K more". */
const PREVIEW_PATHS = 20;

/**
 * What deleting a selection of a scan's findings would do, for a person to confirm (real mode)
 * or to read (dry run): how many, the first paths, what is kept, which *arr instances would be
 * asked to rescan. The token is the one the confirmation needs for exactly this list.
 */
export async function previewDeletion(deps: Deps, scanId: number, selection: DeletionSelection) {
  const scan = getScanProgress(deps, scanId);
  const plan = deletionPlan(deps, scanId, selection);
  const pending = countProblems(deps.dbh.db, scanId, { onlyPending: true });
  const rescans = await rescanTargets(
    deps,
    plan.items.map((i) => join(scan.root, i.path)),
  );
  return {
    scan,
    token: plan.token,
    count: plan.items.length,
    paths: plan.items.slice(0, PREVIEW_PATHS).map((i) => i.path),
    more: Math.max(0, plan.items.length - PREVIEW_PATHS),
    kept: Math.max(0, pending - plan.items.length),
    rescans,
  };
}
