import { describe, expect, test } from "bun:test";
import { systemClock } from "../../../src/lib/clock.ts";
import { CombinedLimiter, type RequestLimiter } from "../../../src/providers/http/combined-limiter.ts";
import { SlidingWindowLimiter } from "../../../src/providers/http/rate-limiter.ts";

describe("CombinedLimiter", () => {
  test("every limit holds: 2 per 100 ms and 3 per 400 ms", async () => {
    const limiter = new CombinedLimiter([
      new SlidingWindowLimiter(2, 100, systemClock),
      new SlidingWindowLimiter(3, 400, systemClock),
    ]);
    expect(limiter.windowMs).toBe(400);
    const times: number[] = [];
    const start = Date.now();
    for (let i = 0; i < 4; i++) {
      const ticket = await limiter.acquire();
      times.push(Date.now() - start);
      ticket.release();
    }
    expect(times[1] as number).toBeLessThan(90);
    // Third: the short window is full (2 per 100 ms).
    expect(times[2] as number).toBeGreaterThanOrEqual(100);
    // Fourth: the long window is full (3 per 400 ms).
    expect(times[3] as number).toBeGreaterThanOrEqual(400);
  });

  test("when a later limit fails (abort), the slots already taken are given back", async () => {
    let taken = 0;
    let released = 0;
    const first: RequestLimiter = {
      windowMs: 60_000,
      acquire: async () => {
        taken++;
        return { release: () => void released++ };
      },
      pauseUntil: () => {},
      rateLimited: () => ({ kind: "shared", pauseMs: 0 }),
      accepted: () => {},
    };
    // What SlidingWindowLimiter.acquire does on an aborted signal.
    const aborting: RequestLimiter = {
      windowMs: 1000,
      acquire: () => Promise.reject(new Error("aborted")),
      pauseUntil: () => {},
      rateLimited: () => ({ kind: "shared", pauseMs: 0 }),
      accepted: () => {},
    };
    const limiter = new CombinedLimiter([aborting, first]);
    await expect(limiter.acquire()).rejects.toThrow("aborted");
    expect({ taken, released }).toEqual({ taken: 1, released: 1 });
  });

  test("pauseUntil pauses every limit", async () => {
    const a = new SlidingWindowLimiter(100, 1000, systemClock);
    const b = new SlidingWindowLimiter(100, 1000, systemClock);
    const limiter = new CombinedLimiter([a, b]);
    const start = Date.now();
    limiter.pauseUntil(start + 120);
    (await limiter.acquire()).release();
    expect(Date.now() - start).toBeGreaterThanOrEqual(110);
  });
});
