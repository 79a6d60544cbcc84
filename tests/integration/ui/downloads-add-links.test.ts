import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { addHosterFile } from "../../../src/fake-debrid/hoster.ts";
import { createApp } from "../../../src/http/app.ts";
import { hosterLinkHash } from "../../../src/services/downloads/hoster-link.ts";
import { closeServedUi, type ServedUi, serveAndLogIn } from "../../helpers/browser.ts";
import { type Pipeline, startPipeline, waitFor } from "../../helpers/downloads.ts";

/**
 * Issue 13 §7, links to unrestrict and download: a file host's link and a magnet pasted together
 * in the Add box both download for real (fake Real-Debrid, real aria2c) into the category's
 * folder with the right bytes; a link no provider supports is refused in words.
 */
const LOGIN = { username: "demo", password: "demo-password" };

let p: Pipeline;
let ui: ServedUi;

beforeAll(async () => {
  p = await startPipeline({
    env: { REDRIVA_USERNAME: LOGIN.username, REDRIVA_PASSWORD: LOGIN.password },
  });
  ui = await serveAndLogIn(createApp(p.deps), LOGIN);
}, 90_000);

afterAll(async () => {
  await closeServedUi(ui ?? {});
  await p?.[Symbol.asyncDispose]();
});

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

function doneRow(hash: string) {
  const t = getTorrent(p.deps.dbh.db, hash);
  if (t?.stage === "error") throw new Error(`${hash} failed: ${t.error}`);
  return t?.stage === "done" ? t : null;
}

test("a hoster link and a magnet pasted together both download into the category's folder", async () => {
  const { page, base } = ui;
  const hosted = addHosterFile(p.fake.state, "Hosted.Movie.2024.mkv", 2_345_678);
  const magnet = p.magnet("Magnet.Show.S01E01", [{ path: "/Magnet.Show.S01E01.mkv", bytes: 876_543 }]);
  const linkHash = hosterLinkHash(hosted.link);

  await page.goto(`${base}/downloads`);
  await page.fill("#add-urls", `${hosted.link}\n${magnet.magnet}\n`);
  await page.fill("#add-category", "radarr");
  await page.click("#downloads-add button[type=submit]");
  await page.waitForFunction(() =>
    document.querySelector("#downloads-add-result")?.textContent?.includes("2 torrents added"),
  );
  // Both rows in the queue at once, the link under its file's name.
  await page.waitForSelector(`#dl-${linkHash}`);
  await page.waitForSelector(`#dl-${magnet.hash}`);
  expect(await page.locator(`#dl-${linkHash} .downloads-name`).textContent()).toContain(
    "Hosted.Movie.2024.mkv",
  );

  const link = await waitFor(() => doneRow(linkHash), { timeoutMs: 60_000, what: "the link's download" });
  const torrent = await waitFor(() => doneRow(magnet.hash), { timeoutMs: 60_000, what: "the magnet" });
  const folder = join(p.downloadDir, "radarr");
  expect(link.content_path).toBe(join(folder, "Hosted.Movie.2024.mkv"));
  expect(sha256(link.content_path as string)).toBe(contentSha256(hosted.key, 2_345_678));
  expect(torrent.content_path).toBe(join(folder, "Magnet.Show.S01E01.mkv"));
  expect(sha256(torrent.content_path as string)).toBe(contentSha256(`${magnet.hash}:1`, 876_543));

  // The page shows both finished, and never the unrestricted URL (a credential).
  await page.goto(`${base}/downloads`);
  await page.waitForSelector(`#dl-${linkHash} .downloads-completed`);
  await page.waitForSelector(`#dl-${magnet.hash} .downloads-completed`);
  expect(await page.content()).not.toContain("/dl/");
  expect(ui.browser.pageErrors).toEqual([]);
}, 120_000);

test("a link no provider supports is refused in words, nothing queued", async () => {
  const { page, base } = ui;
  const unsupported = `${p.fake.url}/some-other-host/file/abc/Film.mkv`;
  await page.goto(`${base}/downloads`);
  await page.fill("#add-urls", unsupported);
  await page.click("#downloads-add button[type=submit]");
  await page.waitForFunction(() =>
    document.querySelector("#downloads-add-result")?.textContent?.includes("1 not added"),
  );
  const text = (await page.locator("#downloads-add-result").textContent()) ?? "";
  expect(text).toContain("Real-Debrid: this host is not supported");
  expect(getTorrent(p.deps.dbh.db, hosterLinkHash(unsupported))).toBeUndefined();
}, 60_000);
