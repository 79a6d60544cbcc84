import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { HOSTILE_NAMES } from "../../../src/fake-debrid/library.ts";
import { startUiFixture, type UiFixture } from "../../helpers/ui-fixture.ts";

/**
 * The web UI in a real headless Chromium against a real server: log in, dashboard, a stat card,
 * search, paging, a detail page, a sync whose log lines arrive live, hostile names as text.
 * Screenshots of the main pages land in tests/artifacts/ui/.
 */
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const ARTIFACTS = join(import.meta.dir, "..", "..", "artifacts", "ui");
const LOGIN = { REDRIVA_USERNAME: "demo", REDRIVA_PASSWORD: "demo-password" };
const [IMG_NAME, SCRIPT_NAME] = HOSTILE_NAMES as readonly string[] as [string, string];

let fx: UiFixture;
let server: ReturnType<typeof Bun.serve>;
let context: BrowserContext;
let page: Page;
let base: string;
let profile: string;
const pageErrors: string[] = [];
const alerts: string[] = [];
/** Anything the Content-Security-Policy blocked (an inline script or style the pages relied on). */
const cspViolations: string[] = [];

beforeAll(async () => {
  if (!CHROMIUM)
    throw new Error("Chromium is not installed: apt-get install chromium (scripts/bootstrap.mjs does it)");
  mkdirSync(ARTIFACTS, { recursive: true });
  fx = await startUiFixture({ size: 240, env: LOGIN });
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: fx.app.fetch, idleTimeout: 0 });
  base = `http://127.0.0.1:${server.port}`;
  profile = mkdtempSync(join(tmpdir(), "redriva-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  // Generous: every wait is on a condition, and the machine may be loaded.
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  // Any native alert() would be an XSS payload running: record it.
  page.on("dialog", (dialog) => {
    alerts.push(dialog.message());
    void dialog.dismiss();
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await server?.stop(true);
  await fx?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

test("log in, dashboard, stat card, search, paging, detail, live sync, hostile names", async () => {
  // Log in: the dashboard sends us to the login page first.
  await page.goto(`${base}/`);
  await page.waitForURL(/\/login\?next=%2F$/);
  await shot("login");
  await page.fill("input[name=username]", LOGIN.REDRIVA_USERNAME);
  await page.fill("input[name=password]", LOGIN.REDRIVA_PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(`${base}/`);
  await expect(page.locator('[data-card="torrents"] .value').textContent()).resolves.toBe("240");
  await shot("dashboard");

  // A stat card leads to the filtered list.
  await page.click('[data-card="failed"]');
  await page.waitForURL(`${base}/torrents?status=failed`);
  await expect(page.locator(".chip.on").textContent()).resolves.toContain("Failed");
  const badges = await page
    .locator("table.torrents .badge")
    .evaluateAll((els) => els.map((e) => e.className));
  expect(badges.length).toBeGreaterThan(0);
  for (const cls of badges) expect(cls).toContain("badge-failed");

  // Search: htmx swaps the table and the address bar follows.
  await page.goto(`${base}/torrents`);
  const before = await page.evaluate(() => {
    (window as unknown as { marker: number }).marker = 42;
    return document.querySelectorAll("table.torrents tbody tr").length;
  });
  expect(before).toBe(50);
  await page.fill("#q", "severance");
  await page.waitForURL(/q=severance/);
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll("table.torrents td.name a")).every((a) =>
      /severance/i.test(a.textContent ?? ""),
    ),
  );
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  await shot("search");

  // Paging: next page, then the back button.
  await page.fill("#q", "");
  await page.waitForURL(`${base}/torrents`);
  await page.click("nav.pager a[rel=next]");
  await page.waitForURL(`${base}/torrents?page=2`);
  await page.waitForFunction(() =>
    document.querySelector("#list-range")?.textContent?.startsWith("51–100 of 240"),
  );
  await page.goBack();
  await page.waitForURL(`${base}/torrents`);
  await page.waitForFunction(() =>
    document.querySelector("#list-range")?.textContent?.startsWith("1–50 of 240"),
  );
  await shot("torrents");

  // A detail page.
  const first = page.locator("table.torrents td.name a").first();
  const name = (await first.textContent()) ?? "";
  await first.click();
  await page.waitForURL(/\/torrents\/[a-z-]+\/[A-Za-z0-9]+$/);
  await expect(page.locator("h1").textContent()).resolves.toBe(name);
  await shot("detail");

  // A sync from the dashboard: log lines arrive while it runs, without reloading the page.
  fx.fake.state.library.mutate({ added: 40, changed: 20, finished: 3 });
  // Slow enough that the run is still going when the first line shows, even on a loaded machine.
  fx.fake.faults.latencyMs = { min: 300, max: 400 };
  await page.goto(`${base}/`);
  await page.evaluate(() => {
    (window as unknown as { marker: number }).marker = 7;
  });
  await page.click('button[data-action="smart"]');
  await page.click("#confirm-ok");
  await page.waitForFunction(() =>
    document.querySelector("#activity .console")?.textContent?.includes("sync smart started"),
  );
  const linesWhileRunning = await page.locator("#activity .console .line").count();
  await page.waitForFunction(
    () => document.querySelector("#activity .console")?.textContent?.includes("Sync smart finished"),
    undefined,
    {
      timeout: 90_000,
    },
  );
  fx.fake.faults.latencyMs = undefined;
  const linesAtEnd = await page.locator("#activity .console .line").count();
  expect(linesWhileRunning).toBeGreaterThanOrEqual(1);
  expect(linesAtEnd).toBeGreaterThan(linesWhileRunning);
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
  await page.waitForSelector(".toast-ok");
  // The run is the first of the one run history (job runs; the fixture's own sync was no job).
  await page.waitForFunction(() => document.querySelector("#sync-runs td")?.textContent === "#1");
  await shot("dashboard-after-sync");

  // Hostile names: shown as text, nothing runs.
  await page.goto(`${base}/torrents?q=onerror`);
  const shown = await page.locator("table.torrents td.name a").first().textContent();
  expect(shown).toBe(IMG_NAME);
  expect(await page.locator("table.torrents img").count()).toBe(0);
  await page.goto(`${base}/torrents?q=script`);
  await expect(page.locator("table.torrents td.name a").first().textContent()).resolves.toBe(SCRIPT_NAME);
  expect(await page.locator("main script").count()).toBe(0);
  await page.locator("table.torrents td.name a").first().click();
  await expect(page.locator("h1").textContent()).resolves.toBe(SCRIPT_NAME);
  expect(alerts).toEqual([]);

  for (const [file, path] of [
    ["stats", "/stats"],
    ["settings", "/settings"],
    ["not-found", "/no/such/page"],
  ]) {
    await page.goto(`${base}${path}`);
    await shot(file as string);
  }
  expect(pageErrors).toEqual([]);
}, 240_000);

test("the other features' pages run under the Content-Security-Policy without a violation", async () => {
  for (const path of ["/jobs", "/repair", "/symlinks", "/downloads", "/settings", "/stats"]) {
    const response = await page.goto(`${base}${path}`);
    expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    await page.waitForLoadState("load");
  }
  expect(cspViolations).toEqual([]);
  expect(pageErrors).toEqual([]);
}, 240_000);
