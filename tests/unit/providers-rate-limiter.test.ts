import { describe, expect, test } from "bun:test";
import { systemClock } from "../../src/lib/clock.ts";
import { SlidingWindowLimiter } from "../../src/providers/http/rate-limiter.ts";

describe("SlidingWindowLimiter", () => {
  test("lets `limit` requests through at once and holds the next until the window slides", async () => {
    const limiter = new SlidingWindowLimiter(5, 200, systemClock);
    const started = Date.now();
    const tickets = await Promise.all(Array.from({ length: 5 }, () => limiter.acquire()));
    expect(Date.now() - started).toBeLessThan(50);
    for (const t of tickets) t.release();
    const sixth = await limiter.acquire();
    sixth.release();
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
  });

  test("an in-flight request keeps its slot until its response arrives", async () => {
    const limiter = new SlidingWindowLimiter(1, 50, systemClock);
    const first = await limiter.acquire();
    let secondGranted = false;
    const second = limiter.acquire().then((t) => {
      secondGranted = true;
      return t;
    });
    await Bun.sleep(120);
    expect(secondGranted).toBe(false);
    first.release();
    (await second).release();
    expect(secondGranted).toBe(true);
  });

  test("pauseUntil holds every request (Retry-After)", async () => {
    const limiter = new SlidingWindowLimiter(100, 1000, systemClock);
    const started = Date.now();
    limiter.pauseUntil(started + 150);
    (await limiter.acquire()).release();
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });
});
