import type { Clock } from "./clock.ts";

/**
 * The one exponential backoff: `baseMs × 2^(attempt-1)`, capped at `maxMs`.
 *
 * - `jitter: "equal"` (default) waits between half and all of that, so retries of many callers
 *   spread out while none comes back at once;
 * - `jitter: "none"` gives the bare exponential, for waits stored and shown to the user
 *   ("retry in 40 s").
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  jitter?: "equal" | "none";
}

/** The wait before retry number `attempt` (1 = the first retry). */
export function backoffDelayMs(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 52));
  if (policy.jitter === "none") return cap;
  return cap / 2 + random() * (cap / 2);
}

/** Sleeps for the backoff of `attempt` on the given clock (tests move time instead of waiting). */
export function sleepBackoff(
  clock: Clock,
  policy: BackoffPolicy,
  attempt: number,
  signal?: AbortSignal,
): Promise<void> {
  return clock.sleep(backoffDelayMs(policy, attempt), signal);
}

/**
 * Parses an HTTP `Retry-After` value (RFC 9110 §10.2.3): delta-seconds or an HTTP date.
 * Returns the wait in ms from `now` (never negative), or null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Only real dates: Date.parse accepts bare numbers like "-5" or "1e3" as years.
  if (!/[a-z]/i.test(text)) return null;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** `parseRetryAfter` on a response's headers. */
export function retryAfterFrom(headers: Headers, now: number): number | null {
  return parseRetryAfter(headers.get("retry-after"), now);
}
