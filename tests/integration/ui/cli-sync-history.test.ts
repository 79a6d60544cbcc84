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
import { cli } from "../../helpers/cli.ts";
import { count } from "../../helpers/data-dir.ts";
import { startUiFixture, type UiFixture } from "../../helpers/ui-fixture.ts";

/**
 * Issue 13, one run history with the CLI included: `redriva sync ...` is recorded as a job run
 * (trigger "cli", its report, its outcome) that /jobs and the dashboard list beside the others,
 * and the dashboard's "Last failures" reads failed sync runs from that history, each a link.
 */
const LOGIN = { username: "demo", password: "demo-password" };

let fx: UiFixture;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let browser: Browser;
let page: Page;
const exits: number[] = [];
const outputs: string[] = [];

beforeAll(async () => {
  fx = await startUiFixture({
    size: 30,
    sync: "none",
    env: { REDRIVA_USERNAME: LOGIN.username, REDRIVA_PASSWORD: LOGIN.password },
  });
  const env = {
    DATA_DIR: fx.deps.config.dataDir,
    RD_API_TOKEN: fx.fake.state.options.token,
    RD_API_URL: fx.fake.rdApiUrl,
    RD_RATE_LIMIT: "100000",
  };
  const run = async (argv: string[], extra: Record<string, string> = {}) => {
    const result = await cli(argv, { ...env, ...extra });
    exits.push(result.code);
    outputs.push(result.stdout);
  };
  // Run 1: the list, fine. Run 2: every details request refused, half done: failed, exit 1.
  await run(["sync", "torrents"]);
  fx.fake.faults.serverErrorRate = 1;
  await run(["sync", "details", "--status", "downloaded"], { RD_MAX_RETRIES: "1" });
  fx.fake.faults.serverErrorRate = 0;
  // Run 3: fine again, so smart-sync's last outcome is a success and only the history knows run 2.
  await run(["sync", "torrents"]);
  ({ server, base, browser, page } = await serveAndLogIn(fx.app, LOGIN));
}, 240_000);

afterAll(() => closeServedUi({ browser, server }, fx));

const rowsOf = (selector: string) =>
  page.locator(`${selector} tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [
      ...Array.from(tr.querySelectorAll("td"))
        .slice(0, 3)
        .map((td) => td.textContent?.trim() ?? ""),
      tr.querySelector(".badge")?.textContent ?? "",
    ]),
  );

test("the CLI's exit codes and output are the command's own: 0, 1 for the half-failed run, 0", () => {
  expect(exits).toEqual([0, 1, 0]);
  expect(outputs[0]).toContain("30 listed");
  expect(outputs[1]).toMatch(/MISSING: \d+ torrents without fresh details/);
  expect(count(fx.deps.config.dataDir, "SELECT COUNT(*) AS n FROM job_runs WHERE trigger = 'cli'")).toBe(3);
});

test("/jobs lists the three CLI syncs as smart-sync runs started from the CLI, with their outcome and report", async () => {
  await page.goto(`${base}/jobs`);
  const rows = await rowsOf("#jobs-history");
  expect(rows).toEqual([
    ["#3", "smart-sync", "cli", "succeeded"],
    ["#2", "smart-sync", "cli", "failed"],
    ["#1", "smart-sync", "cli", "succeeded"],
  ]);
  expect(await page.locator("#jobs-history a[href^='/reports/']").count()).toBe(3);
  await page.click("#jobs-history a[href='/jobs/runs/2']");
  await page.waitForURL(`${base}/jobs/runs/2`);
  await page.waitForFunction(() =>
    document.body.textContent?.includes("smart-sync started (cli: details of downloaded torrents)"),
  );
  expect(browser.pageErrors).toEqual([]);
}, 120_000);

test("the dashboard shows the same runs, and the failed one under Last failures, linking to its run", async () => {
  await page.goto(`${base}/`);
  const onDashboard = await page
    .locator("#sync-runs a[href^='/jobs/runs/']")
    .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  expect(onDashboard).toEqual(["/jobs/runs/3", "/jobs/runs/2", "/jobs/runs/1"]);
  const failures = page.locator("#glance-failures");
  await failures.locator("li").first().waitFor();
  expect(
    await failures.locator("a").evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.textContent])),
  ).toEqual([["/jobs/runs/2", "smart-sync #2"]]);
  await failures.locator("a[href='/jobs/runs/2']").click();
  await page.waitForURL(`${base}/jobs/runs/2`);
}, 120_000);

for (const viewport of [DESKTOP, PHONE]) {
  test(`/jobs and the dashboard with CLI runs at ${viewport.width}px: no axe-core violation, nothing wider than the screen`, async () => {
    await page.setViewportSize(viewport);
    const problems: string[] = [];
    for (const path of ["/", "/jobs", "/jobs/runs/2"]) {
      await page.goto(`${base}${path}`);
      await page.waitForLoadState("load");
      for (const v of await seriousAxeViolations(page)) problems.push(`${path}: ${v}`);
      const overflow = await horizontalOverflow(page);
      if (overflow > 0) problems.push(`${path} is ${overflow}px wider than ${viewport.width}px`);
    }
    expect(problems).toEqual([]);
  }, 180_000);
}
