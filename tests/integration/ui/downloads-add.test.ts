import { afterAll, beforeAll, expect, test } from "bun:test";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { buildTorrentFile, parseTorrentFile } from "../../../src/domain/torrent-file.ts";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/** Issue 13 §7: /downloads has an Add box (several magnets, .torrent upload, category). */
let ui: UiBrowser;

beforeAll(async () => {
  ui = await openUiBrowser({ size: 10, sync: "none" });
}, 60_000);

afterAll(async () => {
  await ui?.close();
});

const MAGNET_A = `magnet:?xt=urn:btih:${"a1".repeat(20)}&dn=First.Show.S01E01`;
const MAGNET_B = `magnet:?xt=urn:btih:${"b2".repeat(20)}&dn=Second.Movie.2024`;

test("two magnets and a .torrent file are added from the Add box, with their category", async () => {
  const { page, base } = ui;
  const torrent = buildTorrentFile("Uploaded.Film.1080p", [{ path: "film.mkv", length: 123_456 }]);
  const uploadedHash = parseTorrentFile(torrent)?.hash;
  expect(uploadedHash).toMatch(/^[0-9a-f]{40}$/);

  await page.goto(`${base}/downloads`);
  await page.fill("#add-urls", `${MAGNET_A}\n\n${MAGNET_B}\n`);
  await page.setInputFiles("#add-files", {
    name: "film.torrent",
    mimeType: "application/x-bittorrent",
    buffer: Buffer.from(torrent),
  });
  await page.fill("#add-category", "radarr");
  await page.click("#downloads-add button[type=submit]");

  await page.waitForFunction(() =>
    document.querySelector("#downloads-add-result")?.textContent?.includes("3 torrents added"),
  );
  // The queue shows them without a reload (out-of-band swap of the rows).
  for (const hash of ["a1".repeat(20), "b2".repeat(20), uploadedHash])
    await page.waitForSelector(`#dl-${hash}`);
  await expect(page.locator(`#dl-${"a1".repeat(20)} .downloads-name`).textContent()).resolves.toContain(
    "First.Show.S01E01",
  );
  await expect(page.locator(`#dl-${uploadedHash} .downloads-name`).textContent()).resolves.toContain(
    "radarr",
  );

  // Same verb as the qBittorrent API: the rows are in the database with their category.
  expect(getTorrent(ui.fx.deps.dbh.db, "b2".repeat(20))?.category).toBe("radarr");
  expect(ui.pageErrors).toEqual([]);
}, 90_000);

test("a bad line is refused in words, the good one still added", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/downloads`);
  await page.fill("#add-urls", `not a magnet\nmagnet:?xt=urn:btih:${"c3".repeat(20)}&dn=Third`);
  await page.click("#downloads-add button[type=submit]");
  await page.waitForFunction(() =>
    document.querySelector("#downloads-add-result")?.textContent?.includes("1 not added"),
  );
  const text = (await page.locator("#downloads-add-result").textContent()) ?? "";
  expect(text).toContain("1 torrent added");
  expect(text).toContain("not a magnet");
  await page.waitForSelector(`#dl-${"c3".repeat(20)}`);
  expect(ui.pageErrors).toEqual([]);
}, 90_000);

test("the Add box refuses a post without the CSRF token", async () => {
  const response = await ui.page.request.post(`${ui.base}/downloads/add`, {
    multipart: { urls: `magnet:?xt=urn:btih:${"d4".repeat(20)}` },
  });
  expect(response.status()).toBe(403);
  expect(getTorrent(ui.fx.deps.dbh.db, "d4".repeat(20))).toBeUndefined();
}, 60_000);
