import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { updateTorrent } from "../../../src/db/repo/downloads.ts";
import { BUILTIN_JOBS } from "../../../src/jobs/definitions/index.ts";
import type { JobDefinition } from "../../../src/jobs/types.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { scanForRepair } from "../../../src/services/repair/detect.ts";
import { runScan, saveSymlinkSettings } from "../../../src/services/symlinks/index.ts";
import { DESKTOP, PHONE, seriousAxeViolations } from "../../helpers/browser.ts";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/**
 * Issue 13: the dashboard tells what matters at a glance, each a link: the account of each
 * provider, active downloads with their speed, the repair queue, symlink health from the last
 * scan, the next jobs and the last failures.
 */
let ui: UiBrowser;
let media: string;

const broken: JobDefinition = {
  name: "broken-job",
  description: "always fails",
  defaultSchedule: "off",
  async run() {
    throw new Error("the disk went away");
  },
};

beforeAll(async () => {
  media = mkdtempSync(join(tmpdir(), "redriva-glance-"));
  mkdirSync(join(media, "Shows"));
  symlinkSync(join(media, "nowhere.mkv"), join(media, "Shows", "Gone.mkv"));
  ui = await openUiBrowser({ size: 60, jobs: [broken, ...BUILTIN_JOBS] });
  const { deps } = ui.fx;
  deps.jobs.start();
  await deps.jobs.trigger("broken-job", "manual").done;
  const repair = await scanForRepair(deps, "quick");
  if (repair.status !== "succeeded" || repair.found === 0) throw new Error("setup: no repair candidate");
  saveSymlinkSettings(deps, { mediaRoot: media });
  await runScan(deps, { depth: "basic" });
  const hash = "c3".repeat(20);
  await addTorrents(deps, { urls: [`magnet:?xt=urn:btih:${hash}&dn=Glance`], files: [] });
  updateTorrent(deps.dbh.db, hash, {
    stage: "downloading",
    size: 10_000_000,
    downloaded: 1000,
    speed: 2_500_000,
  });
}, 120_000);

afterAll(async () => {
  await ui?.close();
  if (media) rmSync(media, { recursive: true, force: true });
});

const card = (id: string) => ui.page.locator(`#glance-${id}`);

test("each area has its card, with figures and a link to its page", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/`);
  // The account is asked after the page: its line replaces "Asking each provider…".
  const account = card("accounts").locator(".glance-account");
  await account.waitFor();
  expect(await account.textContent()).toMatch(/premium days? left|not premium/);

  const downloads = (await card("downloads").textContent()) ?? "";
  expect(downloads).toMatch(/1\s+active/);
  expect(downloads).toContain("2.4 MB/s");

  expect(await card("repair").textContent()).toMatch(/\d+\s+to handle/);
  const symlinks = (await card("symlinks").textContent()) ?? "";
  expect(symlinks).toMatch(/Scan #\d+ completed/);
  expect(symlinks).toMatch(/1 problem in/);

  const jobs = card("jobs");
  expect(await jobs.locator("li").count()).toBeGreaterThan(0);
  // The real clock: a schedule due within the minute reads "in less than a minute" (CI met one).
  expect(await jobs.textContent()).toMatch(/ in (\d+ (min|h|days)|less than a minute)/);

  const failures = card("failures");
  expect(await failures.textContent()).toContain("broken-job");

  // Every card title is a link to its page; the failure links to its run.
  for (const [id, href] of [
    ["accounts", "/settings#accounts"],
    ["downloads", "/downloads"],
    ["repair", "/repair"],
    ["symlinks", "/symlinks"],
    ["jobs", "/jobs"],
  ]) {
    expect(
      await card(id as string)
        .locator("h2 a")
        .getAttribute("href"),
    ).toBe(href as string);
  }
  await failures.locator('a:has-text("broken-job")').click();
  await page.waitForURL(/\/jobs\/runs\/\d+$/);
  expect(await page.locator("main").textContent()).toContain("the disk went away");
  expect(ui.pageErrors).toEqual([]);
}, 90_000);

test("the dashboard with its glance cards passes axe-core and fits a phone", async () => {
  const { page, base } = ui;
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await page.goto(`${base}/`);
    await card("accounts").locator(".glance-account").waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize(DESKTOP);
}, 90_000);
