import type { RateLimitVerdict } from "./adaptive-rate.ts";

/**
 * What the shared HTTP client needs from a limiter. `SlidingWindowLimiter` fits it, and so does
 * `CombinedLimiter` for providers with several limits at once (AllDebrid: 12/s AND 600/min).
 */
export interface RequestLimiter {
  /** The longest window; a 429 without Retry-After pauses for (at most) this long. */
  readonly windowMs: number;
  acquire(signal?: AbortSignal): Promise<{ release(): void }>;
  pauseUntil(until: number): void;
  /** The provider answered 429: the verdict says how long every request waits (see AdaptiveRate). */
  rateLimited(retryAfterMs: number | null): RateLimitVerdict;
  /** The provider answered with anything but 429. */
  accepted(): void;
}

/**
 * Several limits that must all hold: a request goes when every limiter gave it a slot.
 *
 * Slots are taken in a fixed order, longest window first. The fixed order means two callers can
 * never hold each other's next slot (no deadlock); longest first means a caller waiting for the
 * short window (≤ 1 s) holds a long-window slot briefly, never the other way round.
 */
export class CombinedLimiter implements RequestLimiter {
  private readonly limiters: RequestLimiter[];

  constructor(limiters: RequestLimiter[]) {
    if (limiters.length === 0) throw new Error("CombinedLimiter needs at least one limiter");
    this.limiters = [...limiters].sort((a, b) => b.windowMs - a.windowMs);
  }

  get windowMs(): number {
    return this.limiters[0]?.windowMs ?? 0;
  }

  async acquire(signal?: AbortSignal): Promise<{ release(): void }> {
    const held: Array<{ release(): void }> = [];
    try {
      for (const limiter of this.limiters) held.push(await limiter.acquire(signal));
    } catch (error) {
      // Aborted while waiting: give back what we took (it then counts as used for its window,
      // which errs on the safe side).
      for (const ticket of held) ticket.release();
      throw error;
    }
    return {
      release: () => {
        for (const ticket of held) ticket.release();
      },
    };
  }

  pauseUntil(until: number): void {
    for (const limiter of this.limiters) limiter.pauseUntil(until);
  }

  /** Every limit slows down; the longest verdict wins (an overrun of any limit is an overrun). */
  rateLimited(retryAfterMs: number | null): RateLimitVerdict {
    let worst: RateLimitVerdict | null = null;
    for (const limiter of this.limiters) {
      const verdict = limiter.rateLimited(retryAfterMs);
      if (!worst || verdict.pauseMs > worst.pauseMs) worst = verdict;
    }
    return worst as RateLimitVerdict;
  }

  accepted(): void {
    for (const limiter of this.limiters) limiter.accepted();
  }
}
