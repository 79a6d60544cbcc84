import { describe, expect, test } from "bun:test";
import { AdaptiveRate } from "../../../src/providers/http/adaptive-rate.ts";
import { SlidingWindowLimiter } from "../../../src/providers/http/rate-limiter.ts";
import { ManualClock } from "../../helpers/manual-clock.ts";

const WINDOW = 60_000;

async function takeAndRelease(limiter: SlidingWindowLimiter, n: number): Promise<void> {
  for (let i = 0; i < n; i++) (await limiter.acquire()).release();
}

describe("adaptive rate on 429s", () => {
  test("a 429 under our own limit pauses briefly and lowers our rate instead of stopping for the window", async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(250, WINDOW, clock, () => 0.5);
    await takeAndRelease(limiter, 100);
    const verdict = limiter.rateLimited(null);
    expect(verdict.kind).toBe("shared");
    expect(verdict.pauseMs).toBeGreaterThan(0);
    expect(verdict.pauseMs).toBeLessThanOrEqual(WINDOW / 120);
    expect(limiter.currentLimit()).toBe(237);
  });

  test("pauses grow exponentially while 429s follow each other, then a real overrun waits the full window", () => {
    const rate = new AdaptiveRate(250, WINDOW, () => 0.5);
    const pauses = [1, 2, 3].map(() => rate.rateLimited(10, null));
    expect(pauses.map((p) => p.kind)).toEqual(["shared", "shared", "shared"]);
    expect(pauses[1]?.pauseMs).toBe((pauses[0]?.pauseMs ?? 0) * 2);
    expect(pauses[2]?.pauseMs).toBe((pauses[0]?.pauseMs ?? 0) * 4);
    expect(rate.rateLimited(10, null)).toEqual({ kind: "overrun", pauseMs: WINDOW });
    // Over our own limit is an overrun at once.
    expect(new AdaptiveRate(250, WINDOW).rateLimited(251, null)).toEqual({
      kind: "overrun",
      pauseMs: WINDOW,
    });
  });

  test("an accepted answer between two 429s starts the pauses over; Retry-After is obeyed", () => {
    const rate = new AdaptiveRate(250, WINDOW, () => 0.5);
    const first = rate.rateLimited(10, null);
    rate.rateLimited(10, null);
    rate.rateLimited(10, null);
    rate.accepted();
    expect(rate.rateLimited(10, null)).toEqual(first);
    expect(rate.rateLimited(10, 7000)).toEqual({ kind: "retry_after", pauseMs: 7000 });
  });

  test("the lowered rate recovers gradually with accepted answers, never above the limit", () => {
    const rate = new AdaptiveRate(250, WINDOW);
    for (let i = 0; i < 3; i++) rate.rateLimited(10, null);
    const lowered = rate.limit();
    expect(lowered).toBe(214);
    // The fourth 429 in a row: the quota is spent, down to the floor.
    rate.rateLimited(10, null);
    expect(rate.limit()).toBe(62);
    rate.accepted();
    expect(rate.limit()).toBe(63);
    for (let i = 0; i < 100; i++) rate.accepted();
    expect(rate.limit()).toBe(163);
    for (let i = 0; i < 1000; i++) rate.accepted();
    expect(rate.limit()).toBe(250);
  });

  test("the limiter holds requests to the lowered rate, and the pause on the clock", async () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowLimiter(10, 1000, clock, () => 0.5);
    await takeAndRelease(limiter, 10);
    const verdict = limiter.rateLimited(null);
    expect(limiter.currentLimit()).toBe(9);
    limiter.pauseUntil(clock.now() + verdict.pauseMs);
    await clock.advance(1001);
    // A new window: 9 go at once, the 10th waits for the oldest of them to leave the window.
    await takeAndRelease(limiter, 9);
    let tenth = false;
    const pending = limiter.acquire().then((t) => {
      tenth = true;
      t.release();
    });
    await clock.advance(500);
    expect(tenth).toBe(false);
    await clock.advance(600);
    await pending;
    expect(tenth).toBe(true);
  });
});
