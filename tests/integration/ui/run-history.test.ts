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
} from "../../helpers/browser.ts";
import { startUiFixture, type UiFixture } from "../../helpers/ui-fixture.ts";

/**
 * Issue 13, one run history: a sync started from the dashboard is a job run, and the dashboard's
 * recent runs and /jobs list the same runs (they disagreed: 7 runs vs "never ran").
 */
const LOGIN = { username: "demo", password: "demo-password" };

let fx: UiFixture;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fx = await startUiFixture({
    size: 30,
    sync: "none",
    env: { REDRIVA_USERNAME: LOGIN.username, REDRIVA_PASSWORD: LOGIN.password },
  });
  // A scheduled-style run of another job first: the dashboard lists every job's runs, as /jobs does.
  await fx.deps.jobs.trigger("cleanup", "manual").done;
  ({ server, base, browser, page } = await serveAndLogIn(fx.app, LOGIN));
}, 180_000);

afterAll(() => closeServedUi({ browser, server }, fx));

const runIds = (selector: string) =>
  page
    .locator(`${selector} a[href^='/jobs/runs/']`)
    .evaluateAll((as) => as.map((a) => a.getAttribute("href")));

test("List only from the dashboard shows as a smart-sync run on the dashboard and on /jobs, the same rows", async () => {
  await page.goto(`${base}/`);
  await page.click('button[data-action="torrents"]');
  await page.click("#confirm-ok");
  // The dashboard's list follows without a reload once the sync ends.
  await page.waitForFunction(
    () => document.querySelectorAll("#sync-runs a[href^='/jobs/runs/']").length === 2,
    undefined,
    { timeout: 90_000 },
  );
  await page.waitForFunction(() => !document.querySelector("#sync-runs .badge-active"), undefined, {
    timeout: 90_000,
  });
  const firstRow = page.locator("#sync-runs tbody tr").first();
  expect(await firstRow.locator("td").nth(1).textContent()).toBe("smart-sync");
  expect(await firstRow.locator(".badge").textContent()).toBe("succeeded");
  const onDashboard = await runIds("#sync-runs");
  expect(onDashboard).toEqual(["/jobs/runs/2", "/jobs/runs/1"]);

  await page.goto(`${base}/jobs`);
  expect(await runIds("#jobs-history")).toEqual(onDashboard);
  // The run's own page says what ran.
  await page.goto(`${base}/`);
  await page.click("#sync-runs a[href='/jobs/runs/2']");
  await page.waitForURL(`${base}/jobs/runs/2`);
  await page.waitForFunction(() =>
    document.body.textContent?.includes("smart-sync started (manual: list only)"),
  );
  expect(browser.pageErrors).toEqual([]);
}, 180_000);

for (const viewport of [DESKTOP, PHONE]) {
  test(`the run history at ${viewport.width}px: no axe-core violation, nothing wider than the screen`, async () => {
    await page.setViewportSize(viewport);
    const problems: string[] = [];
    for (const path of ["/", "/jobs"]) {
      await page.goto(`${base}${path}`);
      await page.waitForLoadState("load");
      for (const v of await seriousAxeViolations(page)) problems.push(`${path}: ${v}`);
      const overflow = await horizontalOverflow(page);
      if (overflow > 0) problems.push(`${path} is ${overflow}px wider than ${viewport.width}px`);
    }
    expect(problems).toEqual([]);
  }, 180_000);
}
