import type { KnownTorrent } from "../../db/repo/library.ts";
import { ACTIVE_STATUSES, type ListOmits, type ProviderTorrent } from "../../providers/types.ts";
import type { DetailReason, SyncOptions } from "./types.ts";

/** Lower runs first: what the user most likely wants fresh. */
export const REASON_PRIORITY: Record<DetailReason, number> = {
  new: 0,
  finished: 1,
  changed: 2,
  status: 2,
  error_retry: 3,
  active: 4,
  missing_details: 5,
  stale: 6,
  full: 7,
};

export const STALE_AFTER_MS = 7 * 86_400_000;

export interface PlannedFetch {
  torrentId: string;
  reason: DetailReason;
  priority: number;
}

/**
 * Why a listed torrent needs its details, or null. Only changes that alter files or links cost a
 * request: a torrent that became `downloaded` has new links; a `downloaded` → `dead` change is
 * already fully described by the list.
 */
export function classifyListed(
  item: ProviderTorrent,
  known: KnownTorrent | undefined,
  options: Pick<SyncOptions, "includeActive" | "skipErrorRetry" | "statusChangesOnly">,
  now: number,
  omits: ListOmits = {},
): DetailReason | null {
  if (!known) return "new";
  if (known.details_fetched_at === null) return options.statusChangesOnly ? null : "missing_details";
  // Compared with the stored *details* (not the previous list row), so a walk interrupted after
  // writing a page still plans what that page changed.
  if (omits.links) {
    if (item.status === "downloaded" && known.details_status !== "downloaded") return "finished";
  } else if (known.details_links !== item.links.join(",")) {
    return item.status === "downloaded" ? "finished" : "changed";
  }
  if (!omits.bytes && known.details_size !== item.bytes) return "changed";
  if (known.status !== item.status && known.status === "waiting_files_selection") return "changed";
  if (options.statusChangesOnly) return null;
  if (!options.skipErrorRetry && known.details_error_at !== null) return "error_retry";
  if (options.includeActive && ACTIVE_STATUSES.includes(item.status)) return "active";
  if (known.details_fetched_at < now - STALE_AFTER_MS) return "stale";
  return null;
}

/** Orders a plan by priority, then newest first within a reason (the list order). */
export function orderPlan(planned: PlannedFetch[]): PlannedFetch[] {
  return planned
    .map((p, index) => ({ p, index }))
    .sort((a, b) => a.p.priority - b.p.priority || a.index - b.index)
    .map(({ p }) => p);
}

export function countByReason(planned: PlannedFetch[]): Partial<Record<DetailReason, number>> {
  const counts: Partial<Record<DetailReason, number>> = {};
  for (const p of planned) counts[p.reason] = (counts[p.reason] ?? 0) + 1;
  return counts;
}
