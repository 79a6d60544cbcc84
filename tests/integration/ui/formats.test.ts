import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { type Browser, closeServedUi, serveAndLogIn } from "../../helpers/browser.ts";
import { startUiFixture, type UiFixture } from "../../helpers/ui-fixture.ts";

/**
 * Issue 13, formats: one time format (24-hour, the configured zone) and thousands separators on
 * every page and report. The page's own text is scanned (names, ids, logs and inputs left out,
 * they are data): no raw ISO time, no 12-hour clock, no count of 1,000 or more without separator.
 */
const LOGIN = { username: "demo", password: "demo-password" };

let fx: UiFixture;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fx = await startUiFixture({
    size: 1_500,
    sync: "torrents",
    env: {
      REDRIVA_USERNAME: LOGIN.username,
      REDRIVA_PASSWORD: LOGIN.password,
      JOBS_TIMEZONE: "Europe/Paris",
      // Shown on /reports/index.html ("the last 2,500 per job are kept").
      REPORTS_KEEP: "2500",
    },
  });
  // A run of each kind for /jobs, the dashboard and the reports: its counts reach 1,500.
  await fx.deps.jobs.trigger("smart-sync", "manual", "list").done;
  await fx.deps.jobs.trigger("cleanup", "manual").done;
  ({ server, base, browser, page } = await serveAndLogIn(fx.app, LOGIN));
}, 300_000);

afterAll(() => closeServedUi({ browser, server }, fx));

/** The text people read on the page, data (names, ids, paths, logs, inputs) left out. */
function readableText(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const skip =
      "script, style, code, pre, kbd, samp, input, textarea, select, svg, [data-raw], a[href^='/torrents/'], .torrent-name, .name, .mono";
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (!parent || parent.closest(skip)) continue;
      const text = n.textContent?.replace(/\s+/g, " ").trim();
      if (text) out.push(text);
    }
    return out;
  });
}

const DATE_TIME = /\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?\b/g;
const PROBLEMS: Array<[string, RegExp]> = [
  ["raw ISO time", /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/],
  ["12-hour clock", /\b\d{1,2}:\d{2}(:\d{2})? ?(AM|PM|am|pm)\b/],
  ["number without thousands separator", /(?<![\w.,:/#%+-])\d{4,}(?![\w.,:%/-])/],
];

async function problemsOn(path: string): Promise<string[]> {
  const response = await page.goto(`${base}${path}`);
  expect(response?.status(), path).toBe(200);
  await page.waitForLoadState("load");
  // Fragments loaded after the page (the dashboard's glance, the lists) are part of it.
  await page
    .waitForFunction(() => !document.querySelector("[hx-trigger~='load']:not(.htmx-settled)"), undefined, {
      timeout: 20_000,
    })
    .catch(() => undefined);
  const found: string[] = [];
  for (const text of await readableText(page)) {
    const withoutTimes = text.replace(DATE_TIME, "");
    for (const [what, pattern] of PROBLEMS) {
      if (pattern.test(what === "number without thousands separator" ? withoutTimes : text))
        found.push(`${path}: ${what}: "${text.slice(0, 120)}"`);
    }
  }
  return found;
}

test("every page and report shows times in one 24-hour format and counts with thousands separators", async () => {
  const torrentId = (fx.deps.dbh.sqlite.query("SELECT id FROM torrents LIMIT 1").get() as { id: string }).id;
  const paths = [
    "/",
    "/torrents",
    `/torrents/realdebrid/${encodeURIComponent(torrentId)}`,
    "/stats",
    "/jobs",
    "/jobs/runs/1",
    "/jobs/runs/2",
    "/downloads",
    "/repair",
    // /settings is left out: its raw values (ms, bytes) are the settings page's own rework.
    "/diagnose",
    "/reports/index.html",
  ];
  const problems: string[] = [];
  for (const path of paths) problems.push(...(await problemsOn(path)));
  // Each run's report, as written.
  await page.goto(`${base}/jobs`);
  const reports = await page
    .locator("#jobs-history a[href^='/reports/']")
    .evaluateAll((as) => as.map((a) => a.getAttribute("href") as string));
  expect(reports.length).toBe(2);
  for (const path of reports) problems.push(...(await problemsOn(path)));
  expect(problems).toEqual([]);
  expect(browser.pageErrors).toEqual([]);
}, 300_000);
