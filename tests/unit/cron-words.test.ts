import { expect, test } from "bun:test";
import { cronInWords, untilInWords } from "../../src/lib/cron-words.ts";

test("common cron shapes read as words; the rest stays cron only", () => {
  expect(cronInWords("*/15 * * * *")).toBe("every 15 minutes");
  expect(cronInWords("5 * * * *")).toBe("every hour at :05");
  expect(cronInWords("0 */6 * * *")).toBe("every 6 hours at :00");
  expect(cronInWords("30 4 * * *")).toBe("daily at 04:30");
  expect(cronInWords("0 3 * * 0")).toBe("every Sunday at 03:00");
  expect(cronInWords("0 3 1 * *")).toBe("monthly on day 1 at 03:00");
  expect(cronInWords(null)).toBe("never (off)");
  expect(cronInWords("0 3 * 1-6 *")).toBeNull();
  expect(cronInWords("0 0 3 * * *")).toBeNull();
});

test("the next run from now in words", () => {
  expect(untilInWords(4 * 60_000, 0)).toBe("in 4 min");
  expect(untilInWords(125 * 60_000, 0)).toBe("in 2 h 05 min");
  expect(untilInWords(30_000, 0)).toBe("in less than a minute");
  expect(untilInWords(0, 10)).toBe("now");
});
