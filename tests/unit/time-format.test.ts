import { describe, expect, test } from "bun:test";
import { formatDuration } from "../../src/lib/format.ts";
import { configuredTime, timeFormatter } from "../../src/lib/time-format.ts";

const WINTER = Date.UTC(2026, 0, 15, 23, 30, 5); // 2026-01-15 23:30:05 UTC
const SUMMER = Date.UTC(2026, 6, 1, 2, 4, 9); // 2026-07-01 02:04:09 UTC

describe("times in the configured zone", () => {
  test("UTC", () => {
    const t = timeFormatter("UTC");
    expect(t.zone).toBe("UTC");
    expect(t.dateTime(WINTER)).toBe("2026-01-15 23:30:05");
    expect(t.dateTime(new Date(WINTER).toISOString())).toBe("2026-01-15 23:30:05");
    expect(t.dateTime(WINTER, { seconds: false })).toBe("2026-01-15 23:30");
    expect(t.clock(SUMMER)).toBe("02:04:09");
  });

  test("a zone with summer time moves the date and the hour both ways", () => {
    const paris = timeFormatter("Europe/Paris");
    expect(paris.dateTime(WINTER)).toBe("2026-01-16 00:30:05"); // UTC+1, next day
    expect(paris.dateTime(SUMMER)).toBe("2026-07-01 04:04:09"); // UTC+2
    const newYork = timeFormatter("America/New_York");
    expect(newYork.dateTime(SUMMER)).toBe("2026-06-30 22:04:09"); // UTC-4, day before
  });

  test("half-hour offsets and midnight as 00, not 24", () => {
    expect(timeFormatter("Asia/Kolkata").dateTime(Date.UTC(2026, 2, 1, 18, 30, 0))).toBe(
      "2026-03-02 00:00:00",
    );
  });

  test("minute of the day in the zone (the download speed schedule's clock)", () => {
    expect(timeFormatter("UTC").minuteOfDay(WINTER)).toBe(23 * 60 + 30);
    expect(timeFormatter("Europe/Paris").minuteOfDay(WINTER)).toBe(30); // 00:30 the next day
    expect(timeFormatter("Asia/Kolkata").minuteOfDay(Date.UTC(2026, 2, 1, 18, 30, 0))).toBe(0);
    expect(timeFormatter("America/New_York").minuteOfDay(SUMMER)).toBe(22 * 60 + 4);
    expect(timeFormatter("UTC").minuteOfDay(Number.NaN)).toBe(0);
  });

  test("an invalid time gives an empty string; an unknown zone is refused", () => {
    expect(timeFormatter("UTC").dateTime("not a date")).toBe("");
    expect(timeFormatter("UTC").clock(Number.NaN)).toBe("");
    expect(() => timeFormatter("Mars/Olympus_Mons")).toThrow(RangeError);
  });

  test("JOBS_TIMEZONE wins; without it, the process zone (TZ)", () => {
    expect(configuredTime({ jobs: { timezone: "Asia/Tokyo" } }).dateTime(WINTER)).toBe("2026-01-16 08:30:05");
    expect(configuredTime({ jobs: {} }).zone).toBe(new Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});

describe("one duration format", () => {
  test.each([
    [0, "0.00 s"],
    [420, "0.42 s"],
    [4_200, "4.2 s"],
    [42_000, "42 s"],
    [185_000, "3 min 05 s"],
    [2 * 3_600_000 + 5 * 60_000, "2 h 05 min"],
    [47 * 3_600_000 + 59 * 60_000, "47 h 59 min"],
    [3 * 86_400_000 + 4 * 3_600_000, "3 d 04 h"],
    [-1, "?"],
    [Number.NaN, "?"],
  ])("%p ms → %p", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("the cached offsets agree with Intl", () => {
  const intl = (zone: string): ((ms: number) => string) => {
    const f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    return (ms) => {
      const p: Record<string, string> = {};
      for (const part of f.formatToParts(new Date(ms))) p[part.type] = part.value;
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
    };
  };

  test.each(["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"])(
    "%p, second by second around its transitions and across centuries",
    (zone) => {
      const t = timeFormatter(zone);
      const reference = intl(zone);
      // Both 2026 transitions of the northern and southern zones, each side, every 7 s for 2 h,
      // then instants from 1850 (local mean time) to 2100.
      const around = [
        Date.UTC(2026, 2, 29, 0, 0),
        Date.UTC(2026, 9, 25, 0, 0),
        Date.UTC(2026, 2, 8, 6, 0),
        Date.UTC(2026, 10, 1, 5, 0),
        Date.UTC(2026, 3, 4, 14, 0),
        Date.UTC(2026, 9, 3, 15, 0),
      ];
      for (const start of around) {
        for (let ms = start; ms < start + 2 * 3_600_000; ms += 7_000)
          expect(t.dateTime(ms)).toBe(reference(ms));
      }
      for (
        let ms = Date.UTC(1850, 0, 1, 0, 0, 3);
        ms < Date.UTC(2100, 0, 1);
        ms += 86_400_000 * 97 + 3_601_000
      ) {
        expect(t.dateTime(ms)).toBe(reference(ms));
      }
    },
  );
});
