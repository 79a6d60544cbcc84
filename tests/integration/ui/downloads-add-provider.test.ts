import { afterAll, beforeAll, expect, test } from "bun:test";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { horizontalOverflow, PHONE, seriousAxeViolations } from "../../helpers/browser.ts";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/**
 * Issue 13, the Add box on /downloads: with two providers configured it offers them in their
 * order (automatic by default); the chosen one is kept with the torrent; a provider that is not
 * configured is refused in words; the box holds on a phone.
 */
let ui: UiBrowser;

beforeAll(async () => {
  ui = await openUiBrowser({
    size: 5,
    sync: "none",
    envFor: (fake) => ({ AD_API_KEY: fake.adApiKey, AD_API_URL: fake.adApiUrl }),
  });
}, 60_000);

afterAll(async () => {
  await ui?.close();
});

const MAGNET = (hash: string, name: string) => `magnet:?xt=urn:btih:${hash}&dn=${name}`;

test("the provider list: automatic first, then each configured provider in order; the choice is kept", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/downloads`);
  const options = await page
    .locator("#add-provider option")
    .evaluateAll((els) => els.map((e) => [(e as HTMLOptionElement).value, (e.textContent ?? "").trim()]));
  expect(options).toEqual([
    ["", "Automatic: the category's, else realdebrid, then alldebrid"],
    ["realdebrid", "realdebrid first"],
    ["alldebrid", "alldebrid first"],
  ]);
  expect(await page.locator("#add-provider").inputValue()).toBe("");

  await page.fill("#add-urls", MAGNET("f6".repeat(20), "Chosen.Provider"));
  await page.selectOption("#add-provider", "alldebrid");
  await page.click("#downloads-add button[type=submit]");
  await page.waitForFunction(() =>
    document.querySelector("#downloads-add-result")?.textContent?.includes("1 torrent added"),
  );
  expect(getTorrent(ui.fx.deps.dbh.db, "f6".repeat(20))?.provider).toBe("alldebrid");
  expect(ui.pageErrors).toEqual([]);
}, 90_000);

test("a provider that is not configured is refused in words, nothing added", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/downloads`);
  await page.fill("#add-urls", MAGNET("a7".repeat(20), "Nowhere"));
  // A stale form (the provider was unconfigured since): its value is not one of today's.
  await page.locator("#add-provider").evaluate((select) => {
    const option = document.createElement("option");
    option.value = "torbox";
    option.textContent = "torbox first";
    select.append(option);
    (select as HTMLSelectElement).value = "torbox";
  });
  await page.click("#downloads-add button[type=submit]");
  await page.waitForFunction(() =>
    document.querySelector("#downloads-add-result")?.textContent?.includes("is not configured"),
  );
  expect(await page.locator("#downloads-add-result").textContent()).toContain(
    'provider "torbox" is not configured (configured: realdebrid, alldebrid)',
  );
  expect(getTorrent(ui.fx.deps.dbh.db, "a7".repeat(20))).toBeUndefined();
}, 90_000);

test("the Add box at 1440 and 390 px: no axe-core violation, nothing wider than the screen", async () => {
  const { page, base } = ui;
  for (const viewport of [{ width: 1440, height: 900 }, PHONE]) {
    await page.setViewportSize(viewport);
    await page.goto(`${base}/downloads`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  }
}, 90_000);
