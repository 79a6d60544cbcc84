import { afterAll, beforeAll, expect, test } from "bun:test";
import { getSetting } from "../../../src/db/repo/settings.ts";
import { rescanPathsEverywhere } from "../../../src/services/arr/index.ts";
import { currentDownloadLimit } from "../../../src/services/downloads/speed-limit.ts";
import { type FakeArr, startFakeArr } from "../../fakes/arr-server.ts";
import { DESKTOP, PHONE, seriousAxeViolations } from "../../helpers/browser.ts";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/**
 * Issue 13, settings: Sonarr/Radarr instances 2..9 are added, tested, edited and removed on
 * /settings (SONARR_URL_N... stored in SQLite, validated by the environment's schema) and used at
 * once by the running server, without a restart; the API key never comes back in a page.
 */
let ui: UiBrowser;
let sonarr4k: FakeArr;
const KEY = "k4k-secret-api-key-0123456789";

beforeAll(async () => {
  sonarr4k = startFakeArr({
    kind: "sonarr",
    apiKey: KEY,
    items: [{ id: 5, title: "Show One", path: "/tv4k/Show One" }],
  });
  ui = await openUiBrowser({ size: 10, sync: "none" });
}, 90_000);

afterAll(async () => {
  await ui?.close();
  await sonarr4k?.stop();
});

const instance = (id: string) => ui.page.locator(`#arr-${id}`);
const saved = (name: string) => getSetting(ui.fx.deps.dbh.db, `config.env.${name}`);

test("a second Sonarr added on /settings is tested and rescanned by the running server", async () => {
  const { page, base } = ui;
  const { deps } = ui.fx;
  await page.goto(`${base}/settings#arr`);
  expect(await instance("sonarr").count()).toBe(1);
  expect(await instance("sonarr2").count()).toBe(0);
  await page.selectOption("#arr-add-kind", "sonarr");
  await page.fill("#arr-add-name", "Sonarr 4K");
  await page.fill("#arr-add-url", sonarr4k.url);
  await page.fill("#arr-add-key", KEY);
  await page.click("#arr-add button[type=submit]");
  await page.waitForURL(/arr=added/);
  expect(await page.locator("#arr .flash-ok").textContent()).toContain("Added sonarr2");
  expect(await instance("sonarr2").locator("h3").textContent()).toContain("Sonarr 4K");
  expect(await instance("sonarr2").locator(".arr-key-state").textContent()).toBe("set");
  expect(await page.content()).not.toContain(KEY);
  expect(saved("SONARR_URL_2")).toBe(sonarr4k.url);
  expect(saved("SONARR_API_KEY_2")).toBe(KEY);

  // Test connection: the saved instance answers.
  await instance("sonarr2").locator("button.arr-test").click();
  await instance("sonarr2").locator(".arr-test-result .badge-ok").waitFor();
  expect(await instance("sonarr2").locator(".arr-test-result").textContent()).toContain("connected: Sonarr");
  expect(sonarr4k.requests).toContain("GET /api/v3/system/status");

  // The same process, not restarted, rescans through it.
  const summary = await rescanPathsEverywhere(deps, ["/tv4k/Show One/Season 01/e1.mkv"]);
  expect(summary.errors).toEqual([]);
  expect(sonarr4k.commands.map((c) => c.body)).toEqual([{ name: "RescanSeries", seriesId: 5 }]);
  expect(ui.pageErrors).toEqual([]);
}, 120_000);

test("an invalid URL keeps what was typed and says what is wrong; a new URL needs its key again", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/settings#arr`);
  await page.fill("#arr-sonarr2-url", "ftp://nas.local:8989");
  await instance("sonarr2").locator("button.arr-save").click();
  await page.locator("#arr .flash-error").waitFor();
  expect(await page.locator("#arr .flash-error").textContent()).toContain("SONARR_URL_2");
  expect(await page.inputValue("#arr-sonarr2-url")).toBe("ftp://nas.local:8989");
  expect(await page.content()).not.toContain(KEY);
  expect(saved("SONARR_URL_2")).toBe(sonarr4k.url);

  await page.goto(`${base}/settings#arr`);
  await page.fill("#arr-sonarr2-url", "http://127.0.0.1:1");
  await instance("sonarr2").locator("button.arr-save").click();
  await page.locator("#arr .flash-error").waitFor();
  expect(await page.locator("#arr .flash-error").textContent()).toContain("enter the API key again");
  expect(await page.inputValue("#arr-sonarr2-url")).toBe("http://127.0.0.1:1");
  expect(saved("SONARR_URL_2")).toBe(sonarr4k.url);
}, 90_000);

test("category routing names existing instances only, and shows on the instance", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/settings#arr`);
  await page.fill("#arr-categories", "tv-4k=sonarr3");
  await page.click(".arr-categories-form button[type=submit]");
  await page.locator("#arr .flash-error").waitFor();
  expect(await page.locator("#arr .flash-error").textContent()).toContain("sonarr3");
  expect(await page.inputValue("#arr-categories")).toBe("tv-4k=sonarr3");
  await page.fill("#arr-categories", "tv-4k=sonarr2");
  await page.click(".arr-categories-form button[type=submit]");
  await page.waitForURL(/arr=categories/);
  expect(await instance("sonarr2").locator(".arr-categories").textContent()).toContain(
    "tv-4k (ARR_CATEGORIES)",
  );
  expect(ui.fx.deps.config.arr.categories).toEqual({ "tv-4k": "sonarr2" });
}, 90_000);

test("removing an instance asks first, and stops using it at once", async () => {
  const { page, base } = ui;
  const { deps } = ui.fx;
  // Routing still names it: refused in words.
  await page.goto(`${base}/settings#arr`);
  await instance("sonarr2").locator("button.arr-remove").click();
  await page.click("#confirm-dialog[open] #confirm-ok");
  await page.locator("#arr .flash-error").waitFor();
  expect(await page.locator("#arr .flash-error").textContent()).toContain("ARR_CATEGORIES");

  await page.goto(`${base}/settings#arr`);
  await page.fill("#arr-categories", "");
  await page.click(".arr-categories-form button[type=submit]");
  await page.waitForURL(/arr=categories/);
  // Cancel keeps it; confirm removes it.
  await instance("sonarr2").locator("button.arr-remove").click();
  await page.click("#confirm-dialog[open] #confirm-cancel");
  expect(await instance("sonarr2").count()).toBe(1);
  await instance("sonarr2").locator("button.arr-remove").click();
  await page.click("#confirm-dialog[open] #confirm-ok");
  await page.waitForURL(/arr=removed/);
  expect(await instance("sonarr2").count()).toBe(0);
  expect(saved("SONARR_URL_2")).toBeUndefined();
  expect(deps.config.arr.instances).toEqual([]);
  sonarr4k.commands.length = 0;
  await rescanPathsEverywhere(deps, ["/tv4k/Show One/Season 01/e1.mkv"]);
  expect(sonarr4k.commands).toEqual([]);
}, 90_000);

test("a changed speed limit is in force at once", async () => {
  const { page, base } = ui;
  const { deps } = ui.fx;
  const wakes: unknown[] = [];
  const unsubscribe = deps.bus.subscribe("downloads", (event) => wakes.push(event.data));
  try {
    expect(currentDownloadLimit(deps).limit).toBe(0);
    await page.goto(`${base}/settings`);
    await page.fill("#setting-DOWNLOAD_SPEED_LIMIT", "5MB");
    await page.click("#settings-save");
    await page.waitForURL(/saved=DOWNLOAD_SPEED_LIMIT/);
    expect(await page.locator("#row-DOWNLOAD_SPEED_LIMIT .setting-shown").textContent()).toBe("5.0 MB/s");
    // What the downloader applies to aria2c on its next pass, and it was woken for it.
    expect(currentDownloadLimit(deps).limit).toBe(5 * 1024 * 1024);
    expect(wakes).toContainEqual({ reason: "settings" });
  } finally {
    unsubscribe();
  }
}, 90_000);

test("the section passes axe and fits a phone; its forms need the CSRF token", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/settings#arr`);
  await page.fill("#arr-add-url", sonarr4k.url);
  await page.fill("#arr-add-key", KEY);
  await page.click("#arr-add button[type=submit]");
  await page.waitForURL(/arr=added/);
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await page.goto(`${base}/settings#arr`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(
      0,
    );
  }
  await page.setViewportSize(DESKTOP);
  for (const path of ["/settings/arr/add", "/settings/arr/sonarr2", "/settings/arr/sonarr2/remove"]) {
    const response = await page.request.post(`${base}${path}`, {
      form: { kind: "sonarr", url: "http://127.0.0.1:2", apiKey: "x" },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
  }
  expect(saved("SONARR_URL_2")).toBe(sonarr4k.url);
  expect(saved("SONARR_URL_3")).toBeUndefined();
  expect(ui.pageErrors).toEqual([]);
}, 90_000);
