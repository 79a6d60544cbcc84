import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import {
  type Browser,
  closeServedUi,
  horizontalOverflow,
  PHONE,
  seriousAxeViolations,
  serveAndLogIn,
  widestElements,
} from "../../helpers/browser.ts";
import { startUiFixture, type UiFixture } from "../../helpers/ui-fixture.ts";

/**
 * Issue 13, phones: the /torrents Columns chooser is there at 390 px too (it was hidden). Host,
 * files and links are off by default on a phone (short cards); turned on they show in each card,
 * the choice is remembered, and nothing gets wider than the screen.
 */
const LOGIN = { username: "demo", password: "demo-password" };

let fx: UiFixture;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fx = await startUiFixture({
    size: 60,
    env: { REDRIVA_USERNAME: LOGIN.username, REDRIVA_PASSWORD: LOGIN.password },
  });
  ({ server, base, browser, page } = await serveAndLogIn(fx.app, LOGIN));
  await page.setViewportSize(PHONE);
}, 180_000);

afterAll(() => closeServedUi({ browser, server }, fx));

const visibleCells = (column: string) =>
  page.locator(`table.torrents tbody td.col-${column}:visible`).count();

test("at 390 px the chooser opens; Host, Files and Links turned on show in the cards and stay on after a reload", async () => {
  await page.goto(`${base}/torrents`);
  const summary = page.locator(".column-chooser summary");
  expect(await summary.isVisible()).toBe(true);
  // Off by default on a phone.
  expect(await visibleCells("host")).toBe(0);
  expect(await visibleCells("files")).toBe(0);
  await summary.click();
  for (const label of ["Host", "Files", "Links"]) {
    const box = page.getByLabel(label, { exact: true });
    expect(await box.isChecked()).toBe(false);
    await box.check();
  }
  const rows = await page.locator("table.torrents tbody tr").count();
  expect(rows).toBeGreaterThan(0);
  expect(await visibleCells("files")).toBe(rows);
  expect(await visibleCells("links")).toBe(rows);
  expect(await visibleCells("host")).toBeGreaterThan(0);
  expect(await page.locator("table.torrents tbody td.col-files").first().textContent()).toMatch(
    /^\d[\d,]*|—$/,
  );
  await page.reload();
  expect(await visibleCells("files")).toBe(rows);

  const overflow = await horizontalOverflow(page);
  expect({ overflow, widest: overflow > 0 ? await widestElements(page) : [] }).toEqual({
    overflow: 0,
    widest: [],
  });
  await summary.click();
  expect(await seriousAxeViolations(page)).toEqual([]);
  // Turned off again, the cards are as short as before.
  await page.getByLabel("Files", { exact: true }).uncheck();
  expect(await visibleCells("files")).toBe(0);
  expect(browser.pageErrors).toEqual([]);
}, 120_000);
