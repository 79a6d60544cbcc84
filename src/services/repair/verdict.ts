import type { CandidateState } from "../../db/repo/repair.ts";
import { FAILURE_POLICY, type FailureClass } from "./policy.ts";
import type { ItemOutcome } from "./types.ts";

/**
 * What one repair attempt leads to, decided from what happened and nothing else (no I/O): the
 * per-failure policy applied to one candidate. handleCandidate carries it out.
 */
export interface Verdict {
  outcome: ItemOutcome;
  /** Where the candidate goes next. */
  state: CandidateState;
  /** The candidate is closed (resolved_at is set). */
  resolved: boolean;
  /** When it is due again: at the attempt's start (it keeps its place), after REPAIR_RETRY_DELAY, or never. */
  due: "start" | "retry_delay" | null;
  /** The attempt counts towards REPAIR_MAX_ATTEMPTS. */
  countAttempt: boolean;
  /** Remove the library symlinks that point at the torrent (a dry run only lists them). */
  cleanupLinks: boolean;
  /** Delete the torrent at the provider (never in a dry run). */
  deleteTorrent: boolean;
  /** The provider refuses us as a whole: the rest of the run is deferred. */
  haltRun: boolean;
  /** Sonarr/Radarr users are told: the candidate failed for good. */
  notify: boolean;
  /** Replaces the failure's message when set (why it gave up). */
  error: string | null;
}

const CLOSED = {
  resolved: true,
  due: null,
  countAttempt: true,
  cleanupLinks: false,
  deleteTorrent: false,
  haltRun: false,
  notify: false,
  error: null,
} as const;

/** The attempt ran to its end: re-injected, nothing to do, planned (dry run) or a virus deleted. */
export function verdictForResult(result: "repaired" | "skipped" | "planned" | "virus_deleted"): Verdict {
  switch (result) {
    case "repaired":
      return { ...CLOSED, outcome: "repaired", state: "repaired" };
    case "skipped":
      // The torrent is healthy again: not an attempt.
      return { ...CLOSED, outcome: "skipped", state: "skipped", countAttempt: false };
    case "planned":
      // A dry run writes nothing; the state is only what a real run would leave.
      return { ...CLOSED, outcome: "planned", state: "skipped", resolved: false };
    case "virus_deleted":
      return { ...CLOSED, outcome: "failed", state: "failed", notify: true };
  }
}

export interface FailureContext {
  /** The run was stopped (shutdown, cancel) while the attempt ran. */
  aborted: boolean;
  dryRun: boolean;
  /** Attempts counted before this one. */
  attempts: number;
  maxAttempts: number;
  message: string;
}

/** The attempt failed with `failure`: the per-failure policy decides what comes next. */
export function verdictForFailure(failure: FailureClass, ctx: FailureContext): Verdict {
  const policy = FAILURE_POLICY[failure];
  const base = { ...CLOSED, haltRun: policy.haltRun };
  if (ctx.aborted || failure === "auth") {
    // Stopped, or the token was refused: not the torrent's fault, so it keeps its place and its
    // attempt count.
    return {
      ...base,
      outcome: "aborted",
      state: ctx.attempts > 0 ? "retry" : "pending",
      resolved: false,
      due: "start",
      countAttempt: false,
    };
  }
  if (policy.permanent) {
    return {
      ...base,
      outcome: "failed",
      state: "failed",
      cleanupLinks: policy.cleanupLinks,
      deleteTorrent: policy.deleteTorrent && !ctx.dryRun,
      notify: true,
    };
  }
  const attempts = ctx.attempts + 1;
  if (attempts >= ctx.maxAttempts) {
    return {
      ...base,
      outcome: "failed",
      state: "failed",
      notify: true,
      error: `${ctx.message}; gave up after ${attempts} attempt(s)`,
    };
  }
  return { ...base, outcome: "retry", state: "retry", resolved: false, due: "retry_delay" };
}
