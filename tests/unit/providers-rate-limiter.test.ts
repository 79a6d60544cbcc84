import { describe, expect, test } from "bun:test";
import { systemClock } from "../../src/lib/clock.ts";
import { retryAfterMs } from "../../src/providers/http/http-client.ts";
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

describe("retryAfterMs", () => {
  test("reads seconds and HTTP dates, ignores garbage", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs(new Headers({ "retry-after": "3" }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:10 GMT" }), now)).toBe(10_000);
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }), now)).toBeNull();
    expect(retryAfterMs(new Headers(), now)).toBeNull();
  });
});
