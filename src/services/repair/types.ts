import type { REPAIR_OUTCOMES, REPAIR_TRIGGERS } from "../../../schema/repair.ts";
import type { FailureClass } from "./policy.ts";
import type { ReinjectPlan } from "./reinject.ts";

export type RepairTrigger = (typeof REPAIR_TRIGGERS)[number];

/** What happened to one candidate (the list, with what each means: schema/repair.ts). */
export type ItemOutcome = (typeof REPAIR_OUTCOMES)[number];

/** What happened to one candidate in a run (or a "re-inject now"). */
export interface ItemResult {
  candidateId: number | null;
  torrentId: string;
  filename: string;
  reason: string;
  outcome: ItemOutcome;
  failure: FailureClass | null;
  error: string | null;
  newTorrentId: string | null;
  /** Retry queue: when the next attempt is due (epoch ms). */
  dueAt: number | null;
  attempts: number;
  /** Dry run: the steps that would be taken. */
  plan: ReinjectPlan | { steps: string[] } | null;
  /** Infringing: links removed (or, in a dry run, that would be removed). */
  links: string[];
  requests: number;
  responseMs: number;
}

export interface RunResult {
  /** failed: the run could not do all its work (token refused, rate-limit storm, crash). */
  status: "succeeded" | "failed" | "interrupted";
  dryRun: boolean;
  trigger: RepairTrigger;
  items: ItemResult[];
  counts: Record<ItemOutcome, number>;
  arr: { rescans: number; searches: number; errors: string[] };
  error: string | null;
  durationMs: number;
}

export function emptyCounts(): Record<ItemOutcome, number> {
  return { repaired: 0, retry: 0, failed: 0, skipped: 0, planned: 0, deferred: 0, aborted: 0 };
}
