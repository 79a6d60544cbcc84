import { errorMessage } from "../../errors.ts";
import { ProviderError } from "../../providers/types.ts";

/**
 * The per-failure policy of issue 5, in one table. Every failed attempt is classified into one
 * of these, and the class alone decides what happens next.
 */
export type FailureClass =
  | "infringing" // code 35 / HTTP 451
  | "rate_limited" // code 34 / HTTP 429
  | "fair_usage" // code 36
  | "too_many_active" // code 21 / HTTP 509
  | "virus"
  | "magnet_error"
  | "error"
  | "dead"
  | "timeout" // the re-added torrent never reached file selection / the queue in time
  | "unavailable" // 5xx, network: transient
  | "invalid_hash" // nothing to build a magnet from
  | "rejected" // the provider refused the magnet (bad request)
  | "auth"; // the token is refused: stop everything

export interface FailurePolicy {
  /** Try again after REPAIR_RETRY_DELAY, up to REPAIR_MAX_ATTEMPTS. */
  retry: boolean;
  /** Failed for good at once (no retry). */
  permanent: boolean;
  /** Delete the torrent at the provider. */
  deleteTorrent: boolean;
  /** Remove the library symlinks that point at it and ask Sonarr/Radarr to rescan. */
  cleanupLinks: boolean;
  /** The provider refuses us as a whole: stop the run and defer the rest to the retry queue. */
  haltRun: boolean;
}

const RETRY: FailurePolicy = {
  retry: true,
  permanent: false,
  deleteTorrent: false,
  cleanupLinks: false,
  haltRun: false,
};
const BACK_OFF: FailurePolicy = { ...RETRY, haltRun: true };

export const FAILURE_POLICY: Record<FailureClass, FailurePolicy> = {
  infringing: { retry: false, permanent: true, deleteTorrent: true, cleanupLinks: true, haltRun: false },
  rate_limited: BACK_OFF,
  fair_usage: BACK_OFF,
  too_many_active: BACK_OFF,
  virus: { retry: false, permanent: true, deleteTorrent: true, cleanupLinks: false, haltRun: false },
  magnet_error: RETRY,
  error: RETRY,
  dead: RETRY,
  timeout: RETRY,
  unavailable: RETRY,
  invalid_hash: { retry: false, permanent: true, deleteTorrent: false, cleanupLinks: false, haltRun: false },
  rejected: { retry: false, permanent: true, deleteTorrent: false, cleanupLinks: false, haltRun: false },
  auth: { retry: false, permanent: false, deleteTorrent: false, cleanupLinks: false, haltRun: true },
};

/** A classified failure of one re-injection step. */
export class RepairFailure extends Error {
  constructor(
    readonly failure: FailureClass,
    message: string,
    readonly code: string | null = null,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = "RepairFailure";
  }
}

/** Failed torrent statuses map onto their own class. */
export function failureForStatus(status: string): FailureClass | null {
  if (status === "magnet_error" || status === "error" || status === "dead" || status === "virus")
    return status;
  return null;
}

/** Any error thrown during a re-injection, as a RepairFailure. */
export function classify(error: unknown): RepairFailure {
  if (error instanceof RepairFailure) return error;
  if (error instanceof ProviderError) {
    const code = error.providerCode === null ? null : String(error.providerCode);
    const failure: FailureClass = (() => {
      switch (error.kind) {
        case "infringing":
          return "infringing";
        case "rate_limited":
          return "rate_limited";
        case "fair_usage":
        case "traffic_exhausted":
          return "fair_usage";
        case "too_many_active":
          return "too_many_active";
        case "auth":
          return "auth";
        case "bad_request":
          return "rejected";
        default:
          return "unavailable";
      }
    })();
    return new RepairFailure(
      failure,
      error.message,
      code ?? (error.httpStatus ? `HTTP ${error.httpStatus}` : null),
      {
        cause: error,
      },
    );
  }
  return new RepairFailure("unavailable", errorMessage(error), null, { cause: error });
}
