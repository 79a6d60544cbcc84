import { backoffDelayMs } from "../../lib/backoff.ts";

/**
 * What a 429 means, and how long every request should wait:
 * - `retry_after`: the provider said how long (Retry-After); we obey.
 * - `shared`: our own window says we are under the limit, so someone else uses the same quota
 *   (another app with the token) or the provider hiccuped: a short pause and a lower rate.
 * - `overrun`: our window is over the limit, or the provider keeps refusing however much we
 *   slow down: the quota is spent, wait the full window.
 */
export interface RateLimitVerdict {
  kind: "retry_after" | "shared" | "overrun";
  pauseMs: number;
}

/** After this many 429s in a row (no accepted request between), the quota is spent. */
const OVERRUN_AFTER = 4;
/** Each "shared" 429 keeps this share of our rate (gentle: sporadic 429s must not cost much). */
const DECREASE = 0.95;
/** Our rate never drops below this share of the limit on "shared" 429s alone. */
const FLOOR = 0.25;
/** Each accepted request gives back this share of the limit (from the floor back to the limit: 3/4 of a window of requests). */
const RECOVERY = 1 / 250;

/**
 * Additive-increase / multiplicative-decrease of our own request rate, driven by the provider's
 * 429s (like TCP congestion control). Pure state, no timers: the limiter asks `limit()` before
 * each slot; the HTTP client reports each answer.
 */
export class AdaptiveRate {
  private effective: number;
  private consecutive = 0;

  constructor(
    readonly maxLimit: number,
    readonly windowMs: number,
    private readonly random: () => number = Math.random,
  ) {
    this.effective = maxLimit;
  }

  /** Requests allowed per window right now (≥ 1). */
  limit(): number {
    return Math.max(1, Math.floor(this.effective));
  }

  /** A 429. `used`: requests our own window counts right now, the refused one included. */
  rateLimited(used: number, retryAfterMs: number | null): RateLimitVerdict {
    this.consecutive++;
    if (retryAfterMs !== null) return { kind: "retry_after", pauseMs: retryAfterMs };
    if (used > this.maxLimit || this.consecutive >= OVERRUN_AFTER) {
      this.effective = Math.max(1, this.maxLimit * FLOOR);
      return { kind: "overrun", pauseMs: this.windowMs };
    }
    this.effective = Math.max(this.maxLimit * FLOOR, this.effective * DECREASE);
    // 0.5 s, 1 s, 2 s for Real-Debrid's 60 s window (scaled with the window).
    const pauseMs = backoffDelayMs(
      { baseMs: this.windowMs / 120, maxMs: this.windowMs / 8 },
      this.consecutive,
      this.random,
    );
    return { kind: "shared", pauseMs };
  }

  /** An answer that was not a 429: the quota has room again. */
  accepted(): void {
    this.consecutive = 0;
    if (this.effective < this.maxLimit)
      this.effective = Math.min(this.maxLimit, this.effective + this.maxLimit * RECOVERY);
  }
}
