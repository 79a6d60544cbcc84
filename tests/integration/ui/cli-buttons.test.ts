import { afterAll, beforeAll, expect, test } from "bun:test";
import { runSync } from "../../../src/services/sync/index.ts";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/**
 * Issue 13 §8: the UI never tells people to run a CLI command; it offers a button instead
 * (resume an interrupted sync, diagnose the failed torrents, a smart sync).
 */
let ui: UiBrowser;

beforeAll(async () => {
  ui = await openUiBrowser({ size: 120, sync: "torrents" });
  // A smart sync stopped mid-way: its run says what is left, and "resume" has work to do.
  const controller = new AbortController();
  const result = await runSync(ui.fx.deps, "smart", {
    signal: controller.signal,
    onProgress: (p) => {
      if (p.done > 0) controller.abort();
    },
  });
  if (result.status !== "interrupted") throw new Error(`setup: the sync ended ${result.status}`);
}, 90_000);

afterAll(async () => {
  await ui?.close();
});

const CLI_WORDS = /`|redriva (sync|diagnose|repair)/;

test("statistics: each recommendation has a button, no command to type", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/stats`);
  const tips = (await page.locator("ul.tips").textContent()) ?? "";
  expect(tips).toContain("resume it where it stopped");
  expect(tips).not.toMatch(CLI_WORDS);
  await page.waitForSelector('ul.tips [data-tip-action="resume"]');
  await page.click('ul.tips a[data-tip-action="diagnose"]');
  await page.waitForURL(`${base}/diagnose`);
  await expect(page.locator("h1").textContent()).resolves.toBe("Diagnosis");
  expect(await page.locator(".diagnosis-group").count()).toBeGreaterThan(0);
  const text = (await page.locator("main").textContent()) ?? "";
  expect(text).not.toMatch(CLI_WORDS);
  // Every group whose fix the UI can run offers it.
  expect(await page.locator(".diagnosis-group [data-tip-action]").count()).toBeGreaterThan(0);
  expect(ui.pageErrors).toEqual([]);
}, 90_000);

test("dashboard: the interrupted run reads without a command, and Resume finishes it", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/`);
  const runs = (await page.locator("#sync-runs").textContent()) ?? "";
  expect(runs).toContain("The last sync stopped before its end");
  expect(runs).not.toMatch(CLI_WORDS);
  await page.click('#sync-runs button[data-action="resume"]');
  await page.click("#confirm-ok");
  // The resumed run (a smart-sync job run, trigger resume) ends; the runs table refreshes and has
  // nothing left to resume.
  await page.waitForFunction(
    () =>
      document.querySelector("#sync-runs .badge-ok") !== null &&
      document.querySelector('#sync-runs button[data-action="resume"]') === null,
    undefined,
    { timeout: 60_000 },
  );
  const row = page.locator("#sync-runs tbody tr").first();
  expect(await row.locator("td").nth(1).textContent()).toBe("smart-sync");
  expect(await row.locator("td").nth(2).textContent()).toBe("resume");
  expect(ui.pageErrors).toEqual([]);
}, 120_000);
