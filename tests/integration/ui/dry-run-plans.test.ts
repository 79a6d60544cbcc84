import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { scanForRepair } from "../../../src/services/repair/detect.ts";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/**
 * Issue 13 §4: a dry run shows its plan (what would be added, which files selected, what deleted)
 * and is recorded as such: "Run repair" leaves dry-run attempts behind, bulk toasts say "planned".
 */
let ui: UiBrowser;

beforeAll(async () => {
  ui = await openUiBrowser({ size: 120, env: { DRY_RUN: "true" } });
  const scan = await scanForRepair(ui.fx.deps, "quick");
  if (scan.status !== "succeeded" || scan.found < 3)
    throw new Error(`setup: repair scan found ${scan.found}`);
}, 90_000);

afterAll(async () => {
  await ui?.close();
});

/** Confirms when a confirmation dialog comes up (every destructive action should ask). */
async function confirmIfAsked(page: Page): Promise<void> {
  const asked = await page
    .waitForSelector("#confirm-dialog[open] #confirm-ok", { timeout: 5_000 })
    .then(() => true)
    .catch(() => false);
  if (asked) await page.click("#confirm-dialog[open] #confirm-ok");
}

test("Run repair (dry run) records its attempts as planned, each with its plan", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/repair`);
  await page.locator('form[action="/repair/run"] button[type=submit]').click();
  await confirmIfAsked(page);
  await page.waitForFunction(
    () => /planned, nothing changed/.test(document.querySelector("#repair-tables")?.textContent ?? ""),
    undefined,
    { timeout: 60_000 },
  );
  // Reload: what the run did is in the database, not only in the page that started it.
  await page.goto(`${base}/repair`);
  const attempts = page.locator("table.repair-attempts tbody tr");
  expect(await attempts.count()).toBeGreaterThan(0);
  expect(await page.locator("table.repair-attempts .repair-dry-attempt").count()).toBe(
    await attempts.count(),
  );
  expect((await page.locator("table.repair-attempts").textContent()) ?? "").not.toContain("No attempts yet");
  const plan = page.locator("table.repair-attempts details.repair-plan").first();
  await plan.locator("summary").click();
  const steps = (await plan.textContent()) ?? "";
  expect(steps).toContain("add magnet:?xt=urn:btih:");
  expect(steps).toMatch(/select /);
  expect(ui.pageErrors).toEqual([]);
}, 120_000);

test("Re-inject on a torrent's page in a dry run shows the plan", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/torrents?status=failed`);
  await page.locator("table.torrents td.name a").first().click();
  await page.waitForURL(/\/torrents\/[a-z-]+\/[A-Za-z0-9]+$/);
  await page.locator(".detail-actions button", { hasText: "Re-inject" }).click();
  await confirmIfAsked(page);
  await page.waitForSelector("#reinject-plan");
  const plan = (await page.locator("#reinject-plan").textContent()) ?? "";
  expect(plan).toContain("nothing was added");
  expect(plan).toContain("add magnet:?xt=urn:btih:");
  expect(plan).toMatch(/select /);
  expect(ui.pageErrors).toEqual([]);
}, 90_000);

test("a bulk re-inject in a dry run says it only planned", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/torrents?status=failed`);
  const boxes = page.locator('table.torrents input[name="ids"]');
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  // Toasts go away after a few seconds: keep every one that shows.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { toastsSeen: string[] }).toastsSeen = seen;
    new MutationObserver((records) => {
      for (const r of records)
        for (const node of Array.from(r.addedNodes))
          if (node instanceof HTMLElement) seen.push(node.textContent ?? "");
    }).observe(document.getElementById("toasts") as HTMLElement, { childList: true });
  });
  await page.click('#bulk button[value="reinject"]');
  await confirmIfAsked(page);
  const handle = await page.waitForFunction(() =>
    (window as unknown as { toastsSeen: string[] }).toastsSeen.find((t) => t.startsWith("Re-inject")),
  );
  const text = String(await handle.jsonValue());
  expect(text).toContain("dry run");
  expect(text).toContain("planned for 2 of 2, nothing changed");
  expect(text).not.toContain("done");
  expect(ui.pageErrors).toEqual([]);
}, 90_000);
