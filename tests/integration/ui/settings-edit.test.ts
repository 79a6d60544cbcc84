import { afterAll, beforeAll, expect, test } from "bun:test";
import { getSetting } from "../../../src/db/repo/settings.ts";
import { editableSettings, loadConfigWithSettings } from "../../../src/services/settings/store.ts";
import { DESKTOP, PHONE, seriousAxeViolations } from "../../helpers/browser.ts";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/**
 * Issue 13, settings: /settings edits what is safe to change at run time, in human units with the
 * environment variable named beside each value, stored in SQLite and validated by the schema the
 * environment goes through; a saved value overrides the environment's (the default a reset goes
 * back to) and applies without a restart; secrets never come back; CSRF on the form.
 */
let ui: UiBrowser;
const WEBHOOK = "https://discord.example/api/webhooks/42/very-secret-token";

beforeAll(async () => {
  ui = await openUiBrowser({ size: 10, sync: "none", env: { REPAIR_MAX_ATTEMPTS: "5" } });
}, 90_000);

afterAll(async () => {
  await ui?.close();
});

const row = (name: string) => ui.page.locator(`#row-${name}`);
const saved = (name: string) => getSetting(ui.fx.deps.dbh.db, `config.env.${name}`);

test("values in human units beside their variable; the environment's are marked as such", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/settings`);
  const delay = (await row("REPAIR_RETRY_DELAY").textContent()) ?? "";
  expect(delay).toContain("REPAIR_RETRY_DELAY");
  expect(await row("REPAIR_RETRY_DELAY").locator(".setting-shown").textContent()).toBe("3 h");
  expect(delay).toContain("default");
  expect(await row("DISK_SPACE_LOW").locator(".setting-shown").textContent()).toBe("10.0 GB");
  expect(await row("DOWNLOAD_SPEED_LIMIT").locator(".setting-shown").textContent()).toBe("unlimited");
  const attempts = row("REPAIR_MAX_ATTEMPTS");
  expect(await attempts.locator(".setting-shown").textContent()).toBe("5");
  expect(await attempts.locator(".setting-source").textContent()).toBe("set in the environment");
  expect(await attempts.locator("input").getAttribute("placeholder")).toBe("(environment: 5)");
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await page.goto(`${base}/settings`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(
      0,
    );
  }
  await page.setViewportSize(DESKTOP);
}, 90_000);

test("a refused value keeps what was typed, says why, and saves nothing", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/settings`);
  await page.fill("#setting-REPAIR_RETRY_DELAY", "soon");
  await page.fill("#setting-REPORTS_KEEP", "12");
  await page.click("#settings-save");
  await page.locator(".setting-problem").waitFor();
  expect(await row("REPAIR_RETRY_DELAY").locator(".setting-problem").textContent()).toContain(
    "expected a duration such as 3h",
  );
  expect(await page.inputValue("#setting-REPAIR_RETRY_DELAY")).toBe("soon");
  expect(saved("REPAIR_RETRY_DELAY")).toBeUndefined();
  expect(saved("REPORTS_KEEP")).toBeUndefined();
}, 90_000);

test("saved values apply at once and at the next start; the secret is never sent back", async () => {
  const { page, base } = ui;
  const { deps } = ui.fx;
  await page.goto(`${base}/settings`);
  await page.fill("#setting-REPAIR_RETRY_DELAY", "90m");
  await page.fill("#setting-DISK_SPACE_LOW", "20GB");
  await page.fill("#setting-DISCORD_WEBHOOK_URL", WEBHOOK);
  await page.click("#settings-save");
  await page.waitForURL(/saved=/);
  expect(await page.locator("#editable .flash-ok").textContent()).toContain("REPAIR_RETRY_DELAY");
  expect(await page.locator("#editable .flash-ok").textContent()).toContain("Applied now.");
  // Running with them already: the page, and the process's configuration.
  expect(await row("REPAIR_RETRY_DELAY").locator(".setting-shown").textContent()).toBe("1 h 30 min");
  expect(await row("REPAIR_RETRY_DELAY").locator(".setting-pending").count()).toBe(0);
  expect(await page.locator(".settings-restart-banner").count()).toBe(0);
  expect(deps.config.repair.retryDelayMs).toBe(90 * 60_000);
  expect(deps.config.notifications.diskSpaceLowBytes).toBe(20 * 1024 ** 3);
  expect(deps.config.notifications.discordWebhookUrl).toBe(WEBHOOK);
  expect(await page.content()).not.toContain("very-secret-token");
  expect(await row("DISCORD_WEBHOOK_URL").locator(".setting-shown").textContent()).toBe("set (hidden)");
  expect(saved("REPAIR_RETRY_DELAY")).toBe("90m");

  // The next start: the environment with what was saved over it.
  const restarted = loadConfigWithSettings({
    DATA_DIR: deps.dataDir,
    LOG_LEVEL: "silent",
    REPAIR_MAX_ATTEMPTS: "5",
  });
  expect(restarted.ignored).toEqual([]);
  expect(restarted.config.repair.retryDelayMs).toBe(90 * 60_000);
  expect(restarted.config.notifications.diskSpaceLowBytes).toBe(20 * 1024 ** 3);
  expect(restarted.config.notifications.discordWebhookUrl).toBe(WEBHOOK);
  expect(restarted.config.repair.maxAttempts).toBe(5);
  const rows = editableSettings({ ...deps, config: restarted.config }).flatMap((g) => g.rows);
  expect(rows.find((r) => r.name === "REPAIR_RETRY_DELAY")).toMatchObject({
    shown: "1 h 30 min",
    source: "settings",
    pending: false,
  });
  expect(rows.find((r) => r.name === "DISCORD_WEBHOOK_URL")).toMatchObject({
    shown: "set (hidden)",
    saved: null,
  });

  // An empty field puts the default back, at once.
  await page.fill("#setting-DISK_SPACE_LOW", "");
  await page.click("#settings-save");
  await page.waitForURL(/saved=DISK_SPACE_LOW/);
  expect(saved("DISK_SPACE_LOW")).toBeUndefined();
  expect(deps.config.notifications.diskSpaceLowBytes).toBe(10 * 1024 ** 3);
  expect(ui.pageErrors).toEqual([]);
}, 90_000);

test("a saved value overrides the environment's until it is reset", async () => {
  const { page, base } = ui;
  const { deps } = ui.fx;
  await page.goto(`${base}/settings`);
  await page.fill("#setting-REPAIR_MAX_ATTEMPTS", "7");
  await page.click("#settings-save");
  await page.waitForURL(/saved=REPAIR_MAX_ATTEMPTS/);
  const attempts = row("REPAIR_MAX_ATTEMPTS");
  expect(await attempts.locator(".setting-shown").textContent()).toBe("7");
  expect(await attempts.locator(".setting-source").textContent()).toBe(
    "saved here, over the environment's 5",
  );
  expect(deps.config.repair.maxAttempts).toBe(7);
  await attempts.locator("button.setting-reset").click();
  await page.waitForURL(/saved=REPAIR_MAX_ATTEMPTS/);
  expect(await row("REPAIR_MAX_ATTEMPTS").locator(".setting-shown").textContent()).toBe("5");
  expect(await row("REPAIR_MAX_ATTEMPTS").locator(".setting-source").textContent()).toBe(
    "set in the environment",
  );
  expect(deps.config.repair.maxAttempts).toBe(5);
  expect(saved("REPAIR_MAX_ATTEMPTS")).toBeUndefined();
}, 90_000);

test("the form needs its CSRF token", async () => {
  const { page, base } = ui;
  const response = await page.request.post(`${base}/settings/config`, {
    form: { REPAIR_RUN_LIMIT: "7" },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(403);
  expect(saved("REPAIR_RUN_LIMIT")).toBeUndefined();
}, 90_000);
