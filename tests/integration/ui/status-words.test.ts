import { afterAll, beforeAll, expect, test } from "bun:test";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/**
 * Issue 13 ("rough" points): status words in words (waiting_files_selection → "waiting for file
 * selection"), a torrent page without noise rows, a dead torrent that explains itself with a
 * prominent Re-inject.
 */
let ui: UiBrowser;

beforeAll(async () => {
  ui = await openUiBrowser({
    size: 80,
    env: { DRY_RUN: "true" },
    fake: { library: { size: 80, mix: { waiting_files_selection: 0.15, dead: 0.15 } } },
  });
}, 90_000);

afterAll(async () => {
  await ui?.close();
});

async function openFirst(status: string) {
  const { page, base } = ui;
  await page.goto(`${base}/torrents?status=${status}`);
  await page.locator("table.torrents td.name a").first().click();
  await page.waitForURL(/\/torrents\/[a-z-]+\/[A-Za-z0-9]+$/);
}

test("statuses read as words, in the list and on the torrent page", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/torrents?status=waiting_files_selection`);
  const badges = await page.locator("table.torrents .badge").allTextContents();
  expect(badges.length).toBeGreaterThan(0);
  expect(badges.some((b) => b.trim() === "Waiting for file selection")).toBe(true);
  await openFirst("waiting_files_selection");
  const facts = (await page.locator("dl.facts").first().textContent()) ?? "";
  expect(facts).toContain("Waiting for file selection");
  // What is shown (the hidden "copy info" text keeps the provider's own word).
  const shown = await page.locator("main :is(h1, .badge, dl.facts, .detail-head)").allTextContents();
  expect(shown.join(" ")).not.toContain("waiting_files_selection");
  await page.goto(`${base}/stats`);
  expect(await page.locator(".stat-grid").textContent()).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
  expect(ui.pageErrors).toEqual([]);
}, 90_000);

test("a dead torrent explains itself and offers Re-inject first; no noise rows", async () => {
  const { page } = ui;
  await openFirst("dead");
  const box = page.locator("#failed-explain");
  await expect(box.textContent()).resolves.toContain("The provider lost this torrent");
  await expect(box.locator("button.primary").textContent()).resolves.toBe("Re-inject");
  const terms = await page.locator("dl.facts dt").allTextContents();
  expect(terms).not.toContain("Split");
  // A dead torrent does not move: no "Speed —" row.
  expect(terms).not.toContain("Speed");
  expect(ui.pageErrors).toEqual([]);
}, 90_000);
