import { describe, expect, test } from "bun:test";
import { parseSpeed } from "../../../src/config/sections/download-speed.ts";
import {
  activeWindow,
  effectiveDownloadLimit,
  type LimitInputs,
  parseSpeedSchedule,
  type SpeedWindow,
} from "../../../src/domain/speed-schedule.ts";

const MB = 1024 * 1024;
const at = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
const schedule = (text: string) => parseSpeedSchedule(text, parseSpeed) as SpeedWindow[];

describe("DOWNLOAD_SPEED_SCHEDULE", () => {
  test("reads windows, speeds with or without /s, and windows spanning midnight", () => {
    const windows = schedule("01:00-07:00=0, 07:00-01:00=20MB/s");
    expect(windows).toEqual([
      { from: 60, to: 420, limit: 0, label: "01:00-07:00" },
      { from: 420, to: 60, limit: 20 * MB, label: "07:00-01:00" },
    ]);
    expect(activeWindow(windows, at("03:30"))?.label).toBe("01:00-07:00");
    expect(activeWindow(windows, at("07:00"))?.label).toBe("07:00-01:00");
    expect(activeWindow(windows, at("23:59"))?.label).toBe("07:00-01:00");
    expect(activeWindow(windows, at("00:30"))?.label).toBe("07:00-01:00");
    expect(activeWindow(windows, at("01:00"))?.label).toBe("01:00-07:00");
    expect(activeWindow(schedule("09:00-17:00=1MB"), at("18:00"))).toBeNull();
    expect(activeWindow(schedule("00:00-24:00=1MB"), at("12:00"))?.limit).toBe(MB);
  });

  test("says what is wrong with a bad entry", () => {
    expect(parseSpeedSchedule("1-7=0", parseSpeed)).toContain("is not HH:MM-HH:MM=<speed>");
    expect(parseSpeedSchedule("25:00-07:00=0", parseSpeed)).toContain("times go from 00:00 to 24:00");
    expect(parseSpeedSchedule("01:00-07:00=fast", parseSpeed)).toContain('"fast" is not a speed');
  });
});

describe("the download limit in force", () => {
  const base: LimitInputs = {
    windows: schedule("01:00-07:00=0,07:00-01:00=20MB"),
    minuteOfDay: at("12:00"),
    override: null,
    alternativeLimit: 10 * MB,
    clientLimit: 0,
    configuredLimit: 50 * MB,
  };

  test("a window in force is the alternative mode, with its own limit (0 = unlimited)", () => {
    expect(effectiveDownloadLimit(base)).toMatchObject({
      limit: 20 * MB,
      alternative: true,
      source: "schedule",
    });
    expect(effectiveDownloadLimit({ ...base, minuteOfDay: at("02:00") })).toMatchObject({
      limit: 0,
      source: "schedule",
    });
  });

  test("outside any window: the client's limit, else the configured one", () => {
    const none = { ...base, windows: [] };
    expect(effectiveDownloadLimit(none)).toMatchObject({
      limit: 50 * MB,
      alternative: false,
      source: "configured",
    });
    expect(effectiveDownloadLimit({ ...none, clientLimit: 3 * MB })).toMatchObject({
      limit: 3 * MB,
      source: "client",
    });
  });

  test("a toggle overrides the schedule until the schedule itself changes state", () => {
    const off = { ...base, override: { alternative: false, window: "07:00-01:00" } };
    expect(effectiveDownloadLimit(off)).toMatchObject({
      limit: 50 * MB,
      alternative: false,
      source: "configured",
    });
    // The night window starts: the override was for another state of the schedule and no longer applies.
    expect(effectiveDownloadLimit({ ...off, minuteOfDay: at("01:30") })).toMatchObject({
      limit: 0,
      alternative: true,
    });
    // Toggled on with no window in force: qBittorrent's alternative limit.
    const none = { ...base, windows: [], override: { alternative: true, window: "" } };
    expect(effectiveDownloadLimit(none)).toMatchObject({
      limit: 10 * MB,
      alternative: true,
      source: "alternative",
    });
  });
});
