import { afterAll, beforeAll, expect, test } from "bun:test";
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
 * Issue 13, job run reports: the static HTML of a run looks like the app (same dark palette, a
 * way back to it), fetches nothing, and reads on a phone; the empty /reports is an app page.
 */
const LOGIN = { username: "demo", password: "demo-password" };
const LONG_NAME = `${"A.Very.Long.Release.Name.Without.Spaces.".repeat(8)}2160p.mkv`;

let fx: UiFixture;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fx = await startUiFixture({
    size: 60,
    sync: "none",
    env: { REDRIVA_USERNAME: LOGIN.username, REDRIVA_PASSWORD: LOGIN.password },
  });
  ({ server, base, browser, page } = await serveAndLogIn(fx.app, LOGIN));
}, 180_000);

afterAll(() => closeServedUi({ browser, server }, fx));

test("before any run, /reports is an app page with the nav that says how to get one", async () => {
  await page.goto(`${base}/reports`);
  expect(await page.locator(".topnav").count()).toBe(1);
  expect(await page.locator("h1").textContent()).toBe("Reports");
  expect(await page.locator("main").textContent()).toContain("No report yet");
  expect(await seriousAxeViolations(page)).toEqual([]);
}, 60_000);

test("a sync's report at 1440 and 390 px: the app's colours, a way back, no request, nothing wider than the screen", async () => {
  // A new torrent with a very long name: the report's table of new torrents has to hold it.
  const [first] = fx.fake.state.library.torrents.values();
  if (!first) throw new Error("empty fake library");
  first.filename = LONG_NAME;
  const run = await fx.deps.jobs.trigger("smart-sync", "manual").done;
  expect(run.status).toBe("succeeded");
  const appBackground = await (async () => {
    await page.goto(`${base}/jobs`);
    return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  })();

  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    const requests: string[] = [];
    const onRequest = (r: { url(): string }) => requests.push(r.url());
    page.on("request", onRequest);
    await page.goto(`${base}/reports/${run.reportPath}`);
    await page.waitForLoadState("load");
    page.off("request", onRequest);
    // The page itself, nothing else: no stylesheet, font, image or script fetched.
    expect(requests).toEqual([`${base}/reports/${run.reportPath}`]);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(appBackground);
    expect(await page.locator("header.topbar a[href='/']").textContent()).toBe("Redriva");
    expect(await page.locator("h1 .status").evaluate((e) => getComputedStyle(e).color)).toBe(
      "rgb(86, 211, 100)",
    );
    expect(await page.locator("main").textContent()).toContain(LONG_NAME);
    const overflow = await horizontalOverflow(page);
    expect({
      width: viewport.width,
      overflow,
      widest: overflow > 0 ? await widestElements(page) : [],
    }).toEqual({
      width: viewport.width,
      overflow: 0,
      widest: [],
    });
    expect(await seriousAxeViolations(page)).toEqual([]);
  }
  // The index of reports, same look, on the phone too.
  await page.goto(`${base}/reports/index.html`);
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(appBackground);
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  expect(await seriousAxeViolations(page)).toEqual([]);
  expect(browser.pageErrors).toEqual([]);
}, 180_000);
