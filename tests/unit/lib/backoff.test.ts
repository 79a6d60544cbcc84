import { describe, expect, test } from "bun:test";
import { backoffDelayMs, parseRetryAfter, retryAfterFrom } from "../../../src/lib/backoff.ts";

describe("backoffDelayMs", () => {
  test("doubles per attempt up to the cap; equal jitter stays within [half, all]", () => {
    const policy = { baseMs: 500, maxMs: 30_000 };
    expect(backoffDelayMs({ ...policy, jitter: "none" }, 1)).toBe(500);
    expect(backoffDelayMs({ ...policy, jitter: "none" }, 4)).toBe(4000);
    expect(backoffDelayMs({ ...policy, jitter: "none" }, 20)).toBe(30_000);
    expect(backoffDelayMs({ ...policy, jitter: "none" }, 5000)).toBe(30_000);
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(1000);
    expect(backoffDelayMs(policy, 3, () => 0.999_999)).toBeCloseTo(2000, 0);
    expect(backoffDelayMs(policy, 0, () => 1)).toBe(500);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  test("reads delta-seconds and HTTP dates (RFC 9110), in ms from now", () => {
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter(" 120 ", now)).toBe(120_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10_000);
    // The obsolete RFC 850 form is still a date.
    expect(parseRetryAfter("Thursday, 01-Jan-26 00:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterFrom(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:01:00 GMT" }), now)).toBe(60_000);
  });

  test("a date in the past means now; garbage and absence mean unknown", () => {
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-5", now)).toBeNull();
    expect(parseRetryAfter("1e3", now)).toBeNull();
    expect(parseRetryAfter("", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(retryAfterFrom(new Headers(), now)).toBeNull();
  });
});
