import type { Clock } from "../../lib/clock.ts";

/**
 * A sliding-window limiter that throttles *before* sending: at most `limit` requests whose
 * window is still open, over any `windowMs`.
 *
 * A request occupies its slot from the moment it is allowed to go until `windowMs` after its
 * response arrived. The server saw it somewhere in between, so it has left the server's window
 * too by the time the slot frees: the limiter can run at 100% of the allowed rate without ever
 * overrunning the server's count, whatever the latency. Refused (429) requests keep their slot,
 * as Real-Debrid counts them.
 */
export class SlidingWindowLimiter {
  private readonly finished: number[] = [];
  private inFlight = 0;
  private pausedUntil = 0;
  private readonly waiters: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

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
    if (this.finished.length + this.inFlight >= this.limit) return false;
    this.inFlight++;
    return true;
  }

  /** Wakes the waiters when the earliest slot can free (or the pause ends). */
  private schedule(): void {
    if (this.waiters.length === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.expire();
    const now = this.clock.now();
    let wakeAt = now;
    if (now < this.pausedUntil) wakeAt = this.pausedUntil;
    else if (this.finished.length + this.inFlight >= this.limit) {
      // Full with only in-flight requests: a release() will call us again.
      if (this.finished.length === 0) return;
      wakeAt = (this.finished[0] as number) + this.windowMs + 1;
    }
    this.timer = setTimeout(
      () => {
        this.timer = null;
        const ready = this.waiters.splice(0, this.waiters.length);
        for (const wake of ready) wake();
      },
      Math.max(0, wakeAt - now),
    );
  }
}
