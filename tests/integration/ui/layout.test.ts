import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { scanForRepair } from "../../../src/services/repair/index.ts";
import { runSync } from "../../../src/services/sync/index.ts";
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
 * Issue 13, layout and accessibility: every page at 1440×900 and 390×844 passes axe-core
 * (no serious or critical WCAG AA violation) and is never wider than the phone's screen;
 * destructive actions confirm with Cancel focused; the nav collapses on phones.
 */
const LOGIN = { username: "demo", password: "demo-password" };
const LONG_NAME = `${"The.Very.Long.Release.Name.With.No.Spaces.".repeat(12)}2160p.mkv`;

let fx: UiFixture;
let server: ReturnType<typeof Bun.serve>;
let base: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fx = await startUiFixture({
    size: 240,
    env: { REDRIVA_USERNAME: LOGIN.username, REDRIVA_PASSWORD: LOGIN.password },
    // Enough dead torrents for a second page of repair candidates.
    fake: { library: { mix: { dead: 0.4 } } },
  });
  // One dead torrent with a very long name (it made /repair 3,851 px wide).
  const dead = [...fx.fake.state.library.torrents.values()].find((t) => t.status === "dead");
  if (!dead) throw new Error("the fixture library has no dead torrent");
  dead.filename = LONG_NAME;
  const resync = await runSync(fx.deps, "full", {});
  if (resync.status !== "succeeded") throw new Error(`fixture sync ${resync.status}`);
  const scan = await scanForRepair(fx.deps, "quick");
  if (scan.status !== "succeeded") throw new Error(`fixture repair scan ${scan.status}`);
  ({ server, base, browser, page } = await serveAndLogIn(fx.app, LOGIN));
}, 180_000);

afterAll(() => closeServedUi({ browser, server }, fx));

/** Every page a user reaches from the nav, plus a detail page of each kind found by following links. */
async function everyPage(): Promise<string[]> {
  const pages = [
    "/",
    "/torrents",
    "/torrents?status=failed",
    "/downloads",
    "/repair",
    "/symlinks",
    "/symlinks/scanner",
    "/symlinks/settings",
    "/jobs",
    "/stats",
    "/settings",
    "/diagnose",
    "/no/such/page",
  ];
  await page.goto(`${base}/torrents`);
  pages.push(
    new URL(
      await page
        .locator("table.torrents td.name a")
        .first()
        .evaluate((a) => (a as HTMLAnchorElement).href),
    ).pathname,
  );
  await page.goto(`${base}/repair`);
  pages.push(
    new URL(
      await page
        .locator(".repair-table a[href^='/repair/history/']")
        .first()
        .evaluate((a) => (a as HTMLAnchorElement).href),
    ).pathname,
  );
  return pages;
}

async function sweep(viewport: { width: number; height: number }, checkWidth: boolean) {
  await page.setViewportSize(viewport);
  const problems: string[] = [];
  for (const path of await everyPage()) {
    await page.goto(`${base}${path}`);
    await page.waitForLoadState("load");
    for (const v of await seriousAxeViolations(page)) problems.push(`${path} at ${viewport.width}px: ${v}`);
    if (checkWidth) {
      const overflow = await horizontalOverflow(page);
      if (overflow > 0)
        problems.push(
          `${path} is ${overflow}px wider than ${viewport.width}px: ${(await widestElements(page)).join("; ")}`,
        );
    }
  }
  return problems;
}

test("every page at 1440×900: no serious or critical axe-core violation", async () => {
  expect(await sweep(DESKTOP, true)).toEqual([]);
}, 480_000);

test("every page at 390×844: no axe-core violation and nothing wider than the screen", async () => {
  expect(await sweep(PHONE, true)).toEqual([]);
}, 480_000);

/** Opens the confirmation with `click`, checks Cancel has the focus, then cancels with Enter. */
async function confirmsWithCancelFocused(click: () => Promise<void>, question: RegExp) {
  await click();
  await page.waitForSelector("#confirm-dialog[open]");
  expect(await page.locator("#confirm-message").textContent()).toMatch(question);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("confirm-cancel");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#confirm-dialog:not([open])", { state: "attached" });
}

test("destructive actions confirm first, Cancel focused: Enter right after the click changes nothing", async () => {
  await page.setViewportSize(DESKTOP);
  const posts: string[] = [];
  const onRequest = (r: { method(): string; url(): string }) => {
    if (r.method() === "POST") posts.push(new URL(r.url()).pathname);
  };
  page.on("request", onRequest);
  try {
    // Bulk actions on /torrents: the form posts, each button carries its own question.
    await page.goto(`${base}/torrents`);
    const boxes = page.locator("input[name=ids][form=bulk]");
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await confirmsWithCancelFocused(() => page.click("#bulk button[value=delete]"), /^Delete the selected/);
    await confirmsWithCancelFocused(
      () => page.click("#bulk button[value=reinject]"),
      /^Re-inject the selected/,
    );

    // /repair: re-inject now and dismiss, plain forms.
    await page.goto(`${base}/repair`);
    const row = page.locator(".repair-table tbody tr").first();
    await confirmsWithCancelFocused(() => row.locator("button", { hasText: "Dismiss" }).click(), /^Dismiss /);
    await confirmsWithCancelFocused(
      () => row.locator("button", { hasText: "Re-inject now" }).click(),
      /^Re-inject /,
    );
    expect(posts).toEqual([]);

    // Confirming does run it.
    await row.locator("button", { hasText: "Dismiss" }).click();
    await page.click("#confirm-ok");
    await page.waitForSelector(".repair-flash-ok");
    expect(await page.locator(".repair-flash-ok").textContent()).toContain("dismissed");
    expect(posts).toEqual([expect.stringMatching(/^\/repair\/candidates\/\d+\/dismiss$/)]);
  } finally {
    page.off("request", onRequest);
  }
}, 120_000);

test("a skip link comes first, the nav marks the current page, and folds behind Menu on a phone", async () => {
  await page.setViewportSize(DESKTOP);
  await page.goto(`${base}/torrents`);
  expect(await page.locator(".topnav a[aria-current=page]").allTextContents()).toEqual(["Torrents"]);
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.activeElement?.id === "main");

  await page.setViewportSize(PHONE);
  await page.goto(`${base}/jobs`);
  const links = page.locator("#nav-links");
  expect(await links.isVisible()).toBe(false);
  // One row of nav on a phone (it wrapped onto three before).
  const navHeight = await page.locator(".topnav").evaluate((n) => n.getBoundingClientRect().height);
  expect(navHeight).toBeLessThan(60);
  await page.click(".nav-toggle");
  await links.waitFor({ state: "visible" });
  expect(await page.locator(".nav-toggle").getAttribute("aria-expanded")).toBe("true");
  await page.click("#nav-links a[href='/stats']");
  await page.waitForURL(`${base}/stats`);
  expect(await page.locator(".topnav a[aria-current=page]").allTextContents()).toEqual(["Statistics"]);
}, 120_000);

test("on a phone the torrent list shows names whole enough to read: rows become cards", async () => {
  await page.setViewportSize(PHONE);
  await page.goto(`${base}/torrents`);
  const nameWidth = await page
    .locator("table.torrents td.name a")
    .first()
    .evaluate((a) => a.getBoundingClientRect().width);
  // The name takes most of the card's width (it was cut to three characters).
  expect(nameWidth).toBeGreaterThan(PHONE.width * 0.6);
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
}, 180_000);

test("/repair: long names ellipsize with the full name on hover, candidates page, bulk dismiss confirms", async () => {
  await page.setViewportSize(DESKTOP);
  await page.goto(`${base}/repair`);
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  // Every row's actions are on screen.
  const actionsRight = await page
    .locator(".repair-candidates .repair-row-actions")
    .evaluateAll((els) => Math.max(...els.map((e) => e.getBoundingClientRect().right)));
  expect(actionsRight).toBeLessThanOrEqual(DESKTOP.width);
  const long = page.locator(`.repair-candidates a[title="${LONG_NAME}"]`);
  if ((await long.count()) === 0) await page.goto(`${base}/repair?page=2`);
  const box = await long.evaluate((a) => ({
    width: a.getBoundingClientRect().width,
    cut: a.scrollWidth > a.clientWidth,
  }));
  expect(box.cut).toBe(true);
  expect(box.width).toBeLessThanOrEqual(520);

  // Paging: 50 a page, the rest on the next ones.
  await page.goto(`${base}/repair`);
  const total = Number(
    (await page.locator(".repair-bulk .muted").textContent())?.match(/of ([\d,]+)/)?.[1]?.replace(/,/g, ""),
  );
  expect(total).toBeGreaterThan(50);
  expect(await page.locator(".repair-candidates tbody tr").count()).toBe(50);
  const firstOnPage1 = await page.locator(".repair-candidates tbody tr").first().getAttribute("id");
  await page.click("nav.pager a[rel=next]");
  await page.waitForURL(/page=2/);
  expect(await page.locator(".repair-bulk .muted").textContent()).toMatch(/^51–/);
  expect(await page.locator(`#${firstOnPage1}`).count()).toBe(0);

  // Bulk dismiss: asks first (Cancel focused), then dismisses exactly the ticked ones.
  await page.goto(`${base}/repair`);
  const boxes = page.locator("input[name=ids][form=repair-bulk]");
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await confirmsWithCancelFocused(
    () => page.click(".repair-bulk button[value=dismiss]"),
    /^Dismiss the selected/,
  );
  expect(await page.locator(".repair-flash").count()).toBe(0);
  await page.click(".repair-bulk button[value=dismiss]");
  await page.click("#confirm-ok");
  await page.waitForSelector(".repair-flash-ok");
  expect(await page.locator(".repair-flash-ok").textContent()).toContain("2 of 2 dismissed");
}, 180_000);

test("one colour per status: the stats donut, the list's progress bars and the sync report's chart agree", async () => {
  await page.setViewportSize(DESKTOP);
  await page.goto(`${base}/stats`);
  // The donut: one <path> per status.
  const donut: Record<string, string> = await page.evaluate(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll("svg path[data-status]")).map((p) => [
        p.getAttribute("data-status") ?? "",
        p.getAttribute("fill") ?? "",
      ]),
    ),
  );
  expect(Object.keys(donut)).toEqual(expect.arrayContaining(["downloaded", "dead", "error"]));
  // Dead, error and virus were one red: every status has its own colour.
  expect(new Set(Object.values(donut)).size).toBe(Object.keys(donut).length);

  // The list's progress bars: same colour as the donut, dead torrents not a green bar.
  await page.goto(`${base}/torrents?status=failed`);
  const bars: [string, string][] = await page
    .locator("td.progress .bar")
    .evaluateAll((els) =>
      els.map((bar) => [
        bar.getAttribute("data-status") ?? "",
        getComputedStyle(bar.firstElementChild as Element).backgroundColor,
      ]),
    );
  expect(bars.length).toBeGreaterThan(0);
  const rgb = (hex: string) =>
    `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;
  for (const [status, colour] of bars) expect([status, colour]).toEqual([status, rgb(donut[status] ?? "")]);

  // The smart-sync job's report: its "Library by status" chart uses the same colours.
  const run = await fx.deps.jobs.trigger("smart-sync", "manual").done;
  expect(run.status).toBe("succeeded");
  await page.goto(`${base}/reports/${run.reportPath}`);
  const report: Record<string, string> = await page.evaluate(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll("svg rect"))
        .filter((r) => r.previousElementSibling?.tagName === "text")
        .map((r) => [r.previousElementSibling?.textContent ?? "", r.getAttribute("fill") ?? ""]),
    ),
  );
  for (const status of ["downloaded", "dead", "error"])
    expect([status, report[status]]).toEqual([status, donut[status]]);
}, 180_000);

test("live state: status counts follow the search, and paging goes back to the top of the list", async () => {
  await page.setViewportSize(DESKTOP);
  await page.goto(`${base}/torrents?q=severance`);
  const range = (await page.locator("#list-range").textContent()) ?? "";
  const matched = Number(range.match(/of ([\d,]+)/)?.[1]?.replace(/,/g, "") ?? 0);
  expect(matched).toBeGreaterThan(0);
  const allChip = async () =>
    Number(
      (
        await page.locator(".chips[aria-label='Filter by status'] a").first().locator(".n").textContent()
      )?.replace(/,/g, ""),
    );
  expect(await allChip()).toBe(matched);
  await page.goto(`${base}/torrents?q=nothing-matches-this-name`);
  expect(await allChip()).toBe(0);

  // Next page from the pager at the bottom: the new page starts at its top.
  await page.goto(`${base}/torrents`);
  await page.locator("nav.pager a[rel=next]").scrollIntoViewIfNeeded();
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(200);
  await page.click("nav.pager a[rel=next]");
  await page.waitForURL(/page=2/);
  await page.waitForFunction(() => document.querySelector("#list-range")?.textContent?.startsWith("51–"));
  await page.waitForFunction(() => window.scrollY < 50);
}, 120_000);

test("/jobs: schedules in words beside the cron, next run in words, a bad cron keeps what was typed and says why", async () => {
  await page.setViewportSize(DESKTOP);
  // Armed schedules have a next run (the server arms them at start; the fixture does not).
  fx.deps.jobs.start();
  try {
    await jobsPageChecks();
  } finally {
    await fx.deps.jobs.stop();
  }
}, 120_000);

async function jobsPageChecks() {
  await page.goto(`${base}/jobs`);
  const words = await page.locator(".jobs-words").allTextContents();
  expect(words.length).toBeGreaterThan(0);
  for (const w of words) expect(w).toMatch(/^(every|daily|monthly|never)/);
  const until = await page.locator(".jobs-until").allTextContents();
  expect(until.length).toBeGreaterThan(0);
  for (const u of until) expect(u).toMatch(/^(in \d+|in less than a minute|now)/);

  const row = page.locator("#job-smart-sync");
  await row.locator("summary", { hasText: "edit" }).click();
  await row.locator("input[name=schedule]").fill("61 * * * *");
  await row.locator("button", { hasText: "Save" }).click();
  await page.waitForSelector("#job-smart-sync .jobs-error");
  expect(await page.locator("#job-smart-sync input[name=schedule]").inputValue()).toBe("61 * * * *");
  expect(await page.locator("#job-smart-sync .jobs-error").textContent()).toContain(
    "invalid schedule for smart-sync",
  );
  expect(await page.locator("#job-smart-sync details").getAttribute("open")).not.toBeNull();
}
