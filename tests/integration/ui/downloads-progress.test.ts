import { afterAll, beforeAll, expect, test } from "bun:test";
import { updateTorrent } from "../../../src/db/repo/downloads.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/**
 * Issue 13, downloads: the bar never goes backwards from the provider phase to the disk phase,
 * queue buttons say they move in the queue, finished rows say when they finished.
 */
let ui: UiBrowser;
const A = "e5".repeat(20);
const B = "f6".repeat(20);

beforeAll(async () => {
  ui = await openUiBrowser({ size: 10, sync: "none" });
  const added = await addTorrents(ui.fx.deps, {
    urls: [`magnet:?xt=urn:btih:${A}&dn=Alpha`, `magnet:?xt=urn:btih:${B}&dn=Beta`],
    files: [],
  });
  if (added.added.length !== 2) throw new Error(`setup: ${JSON.stringify(added.failed)}`);
}, 90_000);

afterAll(async () => {
  await ui?.close();
});

/**
 * The width of a row's bar, in percent of its track. The rows refresh every 2 s: an element read
 * while htmx swaps it is detached (zero width), so the reading is retried on the live row.
 */
async function barPercent(hash: string): Promise<number> {
  const { page, base } = ui;
  await page.goto(`${base}/downloads`);
  const reading = await page.waitForFunction((id) => {
    const fill = document.querySelector(`#dl-${id} .bar > span`);
    const track = fill?.parentElement?.getBoundingClientRect().width ?? 0;
    if (!fill?.isConnected || track === 0) return null;
    return { percent: Math.round((fill.getBoundingClientRect().width / track) * 100) };
  }, hash);
  return ((await reading.jsonValue()) as { percent: number }).percent;
}

test("progress only moves forward from the provider to the disk, and finished rows show their time", async () => {
  const db = ui.fx.deps.dbh.db;
  updateTorrent(db, A, { stage: "provider", provider: "realdebrid", provider_progress: 40, size: 1000 });
  const early = await barPercent(A);
  updateTorrent(db, A, { stage: "provider", provider_progress: 100 });
  const providerDone = await barPercent(A);
  // The provider is done; the download to disk starts from 0 bytes.
  updateTorrent(db, A, { stage: "downloading", downloaded: 0 });
  const diskStart = await barPercent(A);
  updateTorrent(db, A, { stage: "downloading", downloaded: 500 });
  const diskHalf = await barPercent(A);
  expect(early).toBeGreaterThan(0);
  expect(providerDone).toBeGreaterThan(early);
  expect(diskStart).toBeGreaterThanOrEqual(providerDone);
  expect(diskHalf).toBeGreaterThan(diskStart);
  expect(diskHalf).toBeLessThan(100);

  const { page } = ui;
  const buttons = await page.locator(`#dl-${B} .downloads-actions button`).allTextContents();
  expect(buttons).toContain("First in queue");
  expect(buttons).not.toContain("Top");

  const finishedAt = Date.UTC(2026, 10, 20, 14, 5);
  updateTorrent(db, A, {
    stage: "done",
    downloaded: 1000,
    completion_on: finishedAt,
    content_path: "/x/Alpha",
  });
  await page.goto(`${ui.base}/downloads`);
  const completed = (await page.locator(`#dl-${A} .downloads-completed`).textContent()) ?? "";
  expect(completed).toMatch(/2026-11-20 \d\d:05/);
  expect(ui.pageErrors).toEqual([]);
}, 120_000);
