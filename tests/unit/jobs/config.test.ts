import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../../src/config/index.ts";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return error instanceof ConfigError ? error.problems : [String(error)];
  }
}

describe("jobs and notifications configuration", () => {
  test("defaults: no schedule override, retention and keep counts, every event, 10 GB threshold", () => {
    const config = loadConfig({});
    expect(config.jobs).toMatchObject({
      reportsKeep: 30,
      backupsKeep: 7,
      historyDays: 90,
      metricsDays: 90,
      attemptsDays: 30,
    });
    expect(Object.values(config.jobs.schedules).every((s) => s === undefined)).toBe(true);
    expect(config.notifications).toMatchObject({
      discordWebhookUrl: undefined,
      webhookUrl: undefined,
      diskSpaceLowBytes: 10 * 1024 ** 3,
      diskSpacePaths: [],
    });
    expect(config.notifications.events).toHaveLength(7);
  });

  test("values as written in .env (empty webhook = none, 6-field cron, off, sizes, lists)", () => {
    const config = loadConfig({
      JOB_SMART_SYNC_SCHEDULE: "*/30 * * * * *",
      JOB_BACKUP_SCHEDULE: "off",
      JOB_CLEANUP_SCHEDULE: "",
      JOBS_TIMEZONE: "Europe/Paris",
      DISCORD_WEBHOOK_URL: "",
      WEBHOOK_URL: "https://hooks.example.org/redriva",
      NOTIFY_EVENTS: "job_failed, disk_space_low",
      DISK_SPACE_LOW: "512MB",
      DISK_SPACE_PATHS: "/mnt/a, /mnt/b",
    });
    expect(config.jobs.schedules).toMatchObject({
      "smart-sync": "*/30 * * * * *",
      backup: "off",
      cleanup: undefined,
    });
    expect(config.jobs.timezone).toBe("Europe/Paris");
    expect(config.notifications).toMatchObject({
      discordWebhookUrl: undefined,
      webhookUrl: "https://hooks.example.org/redriva",
      events: ["job_failed", "disk_space_low"],
      diskSpaceLowBytes: 512 * 1024 ** 2,
      diskSpacePaths: ["/mnt/a", "/mnt/b"],
    });
  });

  test("bad values are reported one line each, webhook URLs never printed", () => {
    const lines = problems({
      JOB_FULL_SYNC_SCHEDULE: "every sunday",
      JOBS_TIMEZONE: "Mars/Olympus",
      REPORTS_KEEP: "0",
      WEBHOOK_URL: "ftp://secret-host/token",
      NOTIFY_EVENTS: "job_failed,everything",
    });
    expect(lines).toEqual([
      expect.stringMatching(/^JOB_FULL_SYNC_SCHEDULE: expected a cron expression .* got "every sunday"$/),
      expect.stringMatching(/^JOBS_TIMEZONE: expected an IANA time zone/),
      expect.stringMatching(/^REPORTS_KEEP: expected a positive integer/),
      "WEBHOOK_URL: expected an http(s) URL, got a value (hidden)",
      expect.stringMatching(/^NOTIFY_EVENTS: expected "all" or a comma-separated list/),
    ]);
    expect(lines.join("\n")).not.toContain("secret-host");
  });
});
