import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../../src/config/index.ts";
import { parseDuration } from "../../../src/config/sections/repair.ts";

const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: "/tmp/redriva-config-test", ...env });

describe("repair configuration", () => {
  test("defaults: retry after 3 h, 3 attempts, dry run, delete only", () => {
    const config = load({});
    expect(config.dryRun).toBe(true);
    expect(config.repair).toMatchObject({
      retryDelayMs: 3 * 3_600_000,
      maxAttempts: 3,
      runLimit: 25,
      deleteOnly: true,
    });
    expect(config.repair.priority).toEqual([
      "broken_symlink",
      "link_unavailable",
      "dead",
      "error",
      "magnet_error",
      "virus",
    ]);
  });

  test("durations in s/m/h/d, a bare number meaning hours; RDTM's names are accepted", () => {
    expect(parseDuration("90m")).toBe(5_400_000);
    expect(parseDuration("45s")).toBe(45_000);
    expect(parseDuration("1d")).toBe(86_400_000);
    expect(parseDuration("2")).toBe(7_200_000);
    expect(parseDuration("0h")).toBeNull();
    expect(parseDuration("soon")).toBeNull();
    expect(load({ RETRY_DELAY_HOURS: "6", MAX_RETRY_ATTEMPTS: "5" }).repair).toMatchObject({
      retryDelayMs: 6 * 3_600_000,
      maxAttempts: 5,
    });
    // The Redriva names win over the aliases.
    expect(load({ REPAIR_RETRY_DELAY: "30m", RETRY_DELAY_HOURS: "6" }).repair.retryDelayMs).toBe(1_800_000);
  });

  test("a partial priority keeps the other reasons after it", () => {
    expect(load({ REPAIR_PRIORITY: "dead, virus" }).repair.priority).toEqual([
      "dead",
      "virus",
      "broken_symlink",
      "link_unavailable",
      "error",
      "magnet_error",
    ]);
  });

  test("bad values are refused with one clear line each", () => {
    try {
      load({ REPAIR_RETRY_DELAY: "later", REPAIR_MAX_ATTEMPTS: "0", REPAIR_PRIORITY: "dead,slow" });
      throw new Error("expected a ConfigError");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      expect(problems).toContain(
        'REPAIR_RETRY_DELAY: expected a duration such as 3h, 90m or 45s (a bare number means hours), got "later"',
      );
      expect(problems).toContain('REPAIR_MAX_ATTEMPTS: expected a positive integer, got "0"');
      expect(problems).toContain("REPAIR_PRIORITY: expected a comma-separated order of");
    }
  });
});
