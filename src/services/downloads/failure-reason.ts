import type { GrabFailureReason } from "../../domain/grab-failure.ts";
import { ProviderError, type ProviderErrorKind } from "../../providers/types.ts";
import { NoProviderAcceptedError } from "../providers/choose.ts";

/** Refusals that say "not now" (the service, the account or its slots), not "not this release". */
const OUTAGE_KINDS: ReadonlySet<ProviderErrorKind> = new Set([
  "unavailable",
  "network",
  "bad_response",
  "rate_limited",
  "fair_usage",
  "too_many_active",
]);

/** Why handing a torrent to the providers failed for good (the *arr replacement policy reads it). */
export function submitFailureReason(error: unknown): GrabFailureReason {
  const attempts =
    error instanceof NoProviderAcceptedError
      ? error.attempts.filter((a) => a.outcome === "refused" || a.outcome === "not_cached")
      : error instanceof ProviderError
        ? [{ outcome: "refused" as const, errorKind: error.kind }]
        : [];
  if (attempts.length === 0) return "errors";
  if (attempts.some((a) => a.errorKind === "infringing")) return "infringing";
  if (attempts.every((a) => a.outcome === "not_cached")) return "not_cached";
  if (attempts.every((a) => a.outcome === "not_cached" || (a.errorKind && OUTAGE_KINDS.has(a.errorKind))))
    return "provider_outage";
  return "errors";
}

/** Why polling a torrent at its provider failed for good. */
export function pollFailureReason(error: unknown): GrabFailureReason {
  return error instanceof ProviderError && OUTAGE_KINDS.has(error.kind) ? "provider_outage" : "errors";
}
