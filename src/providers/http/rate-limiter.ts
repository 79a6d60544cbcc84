import type { Clock } from "../../lib/clock.ts";
import { AdaptiveRate, type RateLimitVerdict } from "./adaptive-rate.ts";

/**
 * A sliding-window limiter that throttles *before* sending: at most `limit` requests whose
 * window is still open, over any `windowMs`.
 *
 * A request occupies its slot from the moment it is allowed to go until `windowMs` after its
 * response arrived. The server saw it somewhere in between, so it has left the server's window
 * too by the time the slot frees: the limiter can run at 100% of the allowed rate without ever
 * overrunning the server's count, whatever the latency. Refused (429) requests keep their slot,
 * as Real-Debrid counts them.
 *
 * The provider's 429s tune the rate (`rateLimited`/`accepted`, see AdaptiveRate): a 429 while
 * this window is under the limit lowers our own rate for a while instead of stopping everything.
 */
export class SlidingWindowLimiter {
  private readonly finished: number[] = [];
  private inFlight = 0;
  private pausedUntil = 0;
  private readonly waiters: Array<() => void> = [];
  /** Cancels the pending wake-up (the clock's sleep), when a sooner one is needed. */
  private timer: AbortController | null = null;
  private readonly adaptive: AdaptiveRate;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock,
    random?: () => number,
  ) {
    this.adaptive = new AdaptiveRate(limit, windowMs, random);
  }

  /** Waits for a slot. Call `release()` on the returned ticket when the response is in. */
  async acquire(signal?: AbortSignal): Promise<{ release(): void }> {
    while (!this.tryTake()) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        this.schedule();
      });
    }
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.finished.push(this.clock.now());
        this.schedule();
      },
    };
  }

  /** Stops every request until `until` (epoch ms), e.g. from a Retry-After header. */
  pauseUntil(until: number): void {
    if (until > this.pausedUntil) this.pausedUntil = until;
    this.schedule();
  }

  /** The provider refused a request with 429: how long everyone waits, and why. */
  rateLimited(retryAfterMs: number | null): RateLimitVerdict {
    return this.adaptive.rateLimited(this.used(), retryAfterMs);
  }

  /** The provider answered (anything but 429): the rate recovers step by step. */
  accepted(): void {
    this.adaptive.accepted();
  }

  /** Requests allowed per window right now (lowered after 429s, back to `limit` over time). */
  currentLimit(): number {
    return this.adaptive.limit();
  }

  /** Requests currently counted against the window (in flight or finished within it). */
  used(): number {
    this.expire();
    return this.finished.length + this.inFlight;
  }

  private expire(): void {
    const cutoff = this.clock.now() - this.windowMs;
    let drop = 0;
    while (drop < this.finished.length && (this.finished[drop] as number) <= cutoff) drop++;
    if (drop > 0) this.finished.splice(0, drop);
  }

  private tryTake(): boolean {
    if (this.clock.now() < this.pausedUntil) return false;
    this.expire();
    if (this.finished.length + this.inFlight >= this.adaptive.limit()) return false;
    this.inFlight++;
    return true;
  }

  /** Wakes the waiters when the earliest slot can free (or the pause ends). */
  private schedule(): void {
    if (this.waiters.length === 0) return;
    this.timer?.abort();
    this.expire();
    const now = this.clock.now();
    let wakeAt = now;
    if (now < this.pausedUntil) wakeAt = this.pausedUntil;
    else {
      const over = this.finished.length + this.inFlight - this.adaptive.limit();
      if (over >= 0) {
        // Full with only in-flight requests: a release() will call us again.
        if (over >= this.finished.length) return;
        // The slot that frees first below the (possibly lowered) limit.
        wakeAt = (this.finished[over] as number) + this.windowMs + 1;
      }
    }
    const timer = new AbortController();
    this.timer = timer;
    this.clock.sleep(Math.max(0, wakeAt - now), timer.signal).then(
      () => {
        if (this.timer === timer) this.timer = null;
        const ready = this.waiters.splice(0, this.waiters.length);
        for (const wake of ready) wake();
      },
      () => undefined,
    );
  }
}
