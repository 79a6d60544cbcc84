import { afterAll, beforeAll, expect, test } from "bun:test";
import { takeLibrarySnapshot } from "../../../src/db/repo/library.ts";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/**
 * Issue 13, statistics: the library-over-time chart is readable (one axis per chart, enough date
 * labels) and has a range picker (7 / 30 / 90 days / all), drawn on the server as SVG.
 */
let ui: UiBrowser;
const DAY = 86_400_000;

beforeAll(async () => {
  ui = await openUiBrowser({ size: 20, sync: "torrents" });
  // A snapshot every 5 days over 200 days (the sync above took today's).
  const now = ui.fx.deps.clock.now();
  for (let age = 200; age >= 5; age -= 5) takeLibrarySnapshot(ui.fx.deps.dbh, now - age * DAY);
}, 90_000);

afterAll(async () => {
  await ui?.close();
});

/** The first and last date labels of a chart, as days before now. */
async function spanInDays(chart: string): Promise<number> {
  const labels = await ui.page.locator(`svg[data-chart="${chart}"] text.tick-x`).allTextContents();
  expect(labels.length).toBeGreaterThanOrEqual(5);
  const first = Date.parse(labels[0] as string);
  return Math.round((ui.fx.deps.clock.now() - first) / DAY);
}

test("the range picker narrows both charts; each chart has its own single axis", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/stats`);
  const picker = page.locator('nav[aria-label="Range of the charts"]');
  expect(await picker.locator("a").allTextContents()).toEqual(["7 days", "30 days", "90 days", "All"]);
  expect(await picker.locator('a[aria-current="true"]').textContent()).toBe("30 days");
  // The default month: about 30 days back (snapshots every 5 days).
  expect(await spanInDays("torrents")).toBeLessThanOrEqual(30);
  expect(await spanInDays("torrents")).toBeGreaterThanOrEqual(25);

  await picker.locator('a:has-text("7 days")').click();
  await page.waitForURL(/range=7d/);
  expect(await spanInDays("torrents")).toBeLessThanOrEqual(7);
  expect(await spanInDays("size")).toBeLessThanOrEqual(7);

  await page.locator('nav[aria-label="Range of the charts"] a:has-text("All")').click();
  await page.waitForURL(/range=all/);
  expect(await spanInDays("torrents")).toBeGreaterThanOrEqual(195);

  // One axis per chart: a count on the left of the first, sizes on the left of the second.
  const countTicks = await page.locator('svg[data-chart="torrents"] text.tick-y').allTextContents();
  const sizeTicks = await page.locator('svg[data-chart="size"] text.tick-y').allTextContents();
  expect(countTicks.every((t) => /^[\d,]+$/.test(t))).toBe(true);
  expect(sizeTicks.some((t) => /B$/.test(t))).toBe(true);
  expect(await page.locator("svg.chart").count()).toBe(2);

  // An unknown range falls back to the default rather than failing.
  const odd = await page.goto(`${base}/stats?range=<b>`);
  expect(odd?.status()).toBe(200);
  expect(ui.pageErrors).toEqual([]);
}, 90_000);
