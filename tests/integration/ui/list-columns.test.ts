import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  type Browser,
  closeServedUi,
  DESKTOP,
  horizontalOverflow,
  PHONE,
  seriousAxeViolations,
  serveAndLogIn,
  widestElements,
} from "../../helpers/browser.ts";
import { startUiFixture, type UiFixture } from "../../helpers/ui-fixture.ts";

/**
 * Issue 13, the library list: failure reason, host, file and link counts as columns (a chooser
 * hides them, remembered in the browser), rows dense enough for 50 on a desktop screen; on a
 * phone the rows stay cards, nothing wider than the screen.
 */
const LOGIN = { username: "demo", password: "demo-password" };
const ARTIFACTS = join(import.meta.dir, "..", "..", "artifacts", "ui");

let fx: UiFixture;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  fx = await startUiFixture({
    size: 120,
    env: { REDRIVA_USERNAME: LOGIN.username, REDRIVA_PASSWORD: LOGIN.password },
    fake: { library: { mix: { dead: 0.2 } } },
  });
  ({ server, base, browser, page } = await serveAndLogIn(fx.app, LOGIN));
}, 180_000);

afterAll(() => closeServedUi({ browser, server }, fx));

const headers = () => page.locator("table.torrents thead th:visible").allTextContents();

test("desktop: reason, host, files and links columns; the chooser hides one and remembers it; dense rows", async () => {
  await page.setViewportSize(DESKTOP);
  await page.goto(`${base}/torrents?status=failed`);
  const shown = (await headers()).map((t) => t.trim());
  for (const name of ["Reason", "Host", "Files", "Links"]) expect(shown).toContain(name);
  // A dead torrent says why, in words.
  const firstDead = page.locator("table.torrents tbody tr", {
    has: page.locator(".badge", { hasText: "Dead" }),
  });
  expect(await firstDead.first().locator(".col-reason").textContent()).toContain("lost by the provider");

  // A downloaded torrent with details: its host and its file and link counts.
  await page.goto(`${base}/torrents?status=downloaded`);
  const row = page.locator("table.torrents tbody tr").first();
  const id = (await row.locator("input[name=ids]").getAttribute("value"))?.split(":")[1] ?? "";
  const fake = fx.fake.state.library.torrents.get(id);
  if (!fake) throw new Error(`no fake torrent ${id}`);
  expect(await row.locator(".col-host").textContent()).toBe(fake.host);
  expect(Number(await row.locator(".col-files").textContent())).toBe(fake.files.length);
  expect(Number(await row.locator(".col-links").textContent())).toBe(fake.linkIds.length);

  // Denser rows: 50 fit in far less than the 3,364 px they took (59 px a row).
  const heights = await page
    .locator("table.torrents tbody tr")
    .evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().height));
  expect(Math.max(...heights)).toBeLessThanOrEqual(46);

  // The chooser: hide Host, it stays hidden after a reload and a paging swap.
  await page.click(".column-chooser summary");
  await page.uncheck("input[data-column=host]");
  expect(await headers()).not.toContain("Host");
  await page.reload();
  expect(await headers()).not.toContain("Host");
  expect(await page.locator("table.torrents td.col-host:visible").count()).toBe(0);
  await page.click(".column-chooser summary");
  await page.check("input[data-column=host]");
  expect((await headers()).map((t) => t.trim())).toContain("Host");
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.screenshot({ path: join(ARTIFACTS, "list-columns-desktop.png") });

  // Tooltips: a cut name shows in full on hover (the rows carry no title copies); a whole one needs none.
  const long = `Zzqxcut.${"Very.Long.Name.".repeat(20)}2160p`;
  fx.deps.dbh.sqlite
    .query("UPDATE torrents SET filename = ? WHERE seq = (SELECT MIN(seq) FROM torrents)")
    .run(long);
  await page.goto(`${base}/torrents?q=zzqxcut`);
  const cut = page.locator("table.torrents td.name a", { hasText: long });
  expect(await cut.getAttribute("title")).toBeNull();
  await cut.hover();
  expect(await cut.getAttribute("title")).toBe(long);
  await page.goto(`${base}/torrents`);
  const names = page.locator("table.torrents td.name a");
  const fits = await names.evaluateAll((links) => links.findIndex((a) => a.scrollWidth <= a.clientWidth));
  expect(fits).toBeGreaterThanOrEqual(0);
  await names.nth(fits).hover();
  expect(await names.nth(fits).getAttribute("title")).toBeNull();
  expect(browser.pageErrors).toEqual([]);
}, 120_000);

test("phone: rows stay cards with the reason and counts, nothing wider than the screen", async () => {
  await page.setViewportSize(PHONE);
  for (const path of ["/torrents", "/torrents?status=failed"]) {
    await page.goto(`${base}${path}`);
    const overflow = await horizontalOverflow(page);
    expect({ path, overflow, widest: overflow > 0 ? await widestElements(page) : [] }).toEqual({
      path,
      overflow: 0,
      widest: [],
    });
    expect(await seriousAxeViolations(page)).toEqual([]);
  }
  // Cards: the rows are grids; the reason closes the card, under the progress bar.
  expect(
    await page
      .locator("table.torrents tbody tr")
      .first()
      .evaluate((r) => getComputedStyle(r).display),
  ).toBe("grid");
  const reason = page.locator("table.torrents tbody tr .col-reason .reason").first();
  expect(await reason.isVisible()).toBe(true);
  const card = page.locator("table.torrents tbody tr", { has: page.locator(".col-reason .reason") }).first();
  const [reasonBox, progressBox] = await Promise.all([
    card.locator(".col-reason").evaluate((e) => e.getBoundingClientRect().toJSON()),
    card.locator("td.progress").evaluate((e) => e.getBoundingClientRect().toJSON()),
  ]);
  expect(reasonBox.right).toBeLessThanOrEqual(PHONE.width);
  expect(reasonBox.top).toBeGreaterThanOrEqual(progressBox.bottom);
  await page.screenshot({ path: join(ARTIFACTS, "list-columns-phone.png") });
  expect(browser.pageErrors).toEqual([]);
}, 120_000);
