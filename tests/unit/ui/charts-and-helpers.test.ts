import { describe, expect, test } from "bun:test";
import { donut, lineChart, niceMax, niceMaxBytes } from "../../../src/http/ui/charts.ts";
import { safeNext } from "../../../src/http/ui/login.ts";
import { filterChips } from "../../../src/http/ui/torrents.ts";
import { viewHelpers as helpersFor } from "../../../src/http/ui/view-helpers.ts";
import { timeFormatter } from "../../../src/lib/time-format.ts";

const viewHelpers = helpersFor(timeFormatter("UTC"));

describe("charts", () => {
  test("niceMax rounds up to 1, 2 or 5 times a power of ten", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(1234)).toBe(2000);
    expect(niceMax(5000)).toBe(5000);
    expect(niceMax(0.3)).toBe(0.5);
  });

  test("niceMaxBytes rounds in binary units so axis labels read 1, 2 or 5 of a unit", () => {
    expect(niceMaxBytes(3.2 * 1024 ** 4)).toBe(5 * 1024 ** 4);
    expect(niceMaxBytes(700 * 1024 ** 3)).toBe(1000 * 1024 ** 3);
    expect(niceMaxBytes(1024)).toBe(1024);
    expect(viewHelpers.axisBytes(1.25 * 1024 ** 4)).toBe("1.3 TB");
    expect(viewHelpers.axisBytes(5 * 1024 ** 4)).toBe("5 TB");
  });

  test("lineChart maps time to x and each series to its own axis", () => {
    const chart = lineChart([
      { at: 0, a: 0, b: 50 },
      { at: 10, a: 100, b: 100 },
    ]);
    if (!chart) throw new Error("no chart");
    // a: 0 at the bottom-left, 100 (its nice max) at the top-right.
    expect(chart.pathA).toBe("M56,274 L1136,12");
    // b: 50 of 100 sits halfway up.
    expect(chart.pathB.startsWith("M56,143")).toBe(true);
    expect(chart.ticksA.map((t) => t.value)).toEqual([0, 25, 50, 75, 100]);
    // Five date labels across the width.
    expect(chart.ticksX.map((t) => t.at)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(lineChart([])).toBeNull();
    expect(lineChart([{ at: 5, a: 1, b: 1 }])?.pathA).toBe("M596,12");
  });

  test("donut slices cover the ring in proportion, skipping zeros", () => {
    const slices = donut([
      { key: "a", value: 3 },
      { key: "b", value: 1 },
      { key: "c", value: 0 },
    ]);
    expect(slices.map((s) => [s.key, s.percent])).toEqual([
      ["a", 75],
      ["b", 25],
    ]);
    // 75% is more than half a turn: the large-arc flag is set.
    expect(slices[0]?.path).toContain(" 0 1 1 ");
    expect(slices[1]?.path).toContain(" 0 0 1 ");
    expect(donut([{ key: "x", value: 0 }])).toEqual([]);
    expect(donut([{ key: "all", value: 5 }])).toHaveLength(1);
  });
});

describe("view helpers", () => {
  test("page list keeps the ends and the neighbourhood, with gaps", () => {
    expect(viewHelpers.pages(6, 20)).toEqual([1, null, 4, 5, 6, 7, 8, null, 20]);
    expect(viewHelpers.pages(1, 3)).toEqual([1, 2, 3]);
    expect(viewHelpers.pages(1, 1)).toEqual([1]);
  });

  test("dates are minutes in the configured zone; missing ones a dash", () => {
    expect(viewHelpers.date("2026-11-20T14:03:59.000Z")).toBe("2026-11-20 14:03");
    expect(viewHelpers.date(0)).toBe("1970-01-01 00:00");
    expect(viewHelpers.date(null)).toBe("—");
    expect(viewHelpers.date("not a date")).toBe("not a date");
    const paris = helpersFor(timeFormatter("Europe/Paris"));
    expect(paris.date("2026-11-20T14:03:59.000Z")).toBe("2026-11-20 15:03");
    expect(paris.date(Date.UTC(2026, 6, 1, 23, 30))).toBe("2026-07-02 01:30");
    expect(viewHelpers.ago(1000, 1000 + 3 * 3_600_000)).toBe("3 h ago");
  });

  test("status labels and tones", () => {
    expect(viewHelpers.label("magnet_error")).toBe("Magnet error");
    expect(viewHelpers.tone("downloaded")).toBe("ok");
    expect(viewHelpers.tone("dead")).toBe("failed");
    expect(viewHelpers.tone("downloading")).toBe("active");
    expect(viewHelpers.tone("quantum_entangled")).toBe("muted");
  });
});

describe("filter chips", () => {
  test("groups first, statuses by count, then the special views when they have rows", () => {
    const chips = filterChips({
      byStatus: { downloaded: 10, dead: 2, queued: 3 },
      present: 15,
      removed: 1,
      withDetails: 14,
    });
    expect(chips.map((c) => `${c.key}:${c.count}`)).toEqual([
      "all:15",
      "active:3",
      "failed:2",
      "downloaded:10",
      "queued:3",
      "dead:2",
      "missing_details:1",
      "removed:1",
    ]);
  });
});

describe("safeNext", () => {
  test.each([
    ["/torrents?page=2", "/torrents?page=2"],
    ["//evil.example", "/"],
    ["https://evil.example", "/"],
    ["/\\evil.example", "/"],
    ["/login?next=/", "/"],
    [undefined, "/"],
    ["/x\r\nSet-Cookie: a=b", "/"],
  ])("%p → %p", (input, expected) => {
    expect(safeNext(input)).toBe(expected);
  });
});
