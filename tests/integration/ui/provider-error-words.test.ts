import { afterAll, beforeAll, expect, test } from "bun:test";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/**
 * Issue 13, formats: a provider's error reads in words ("the host no longer has this file"),
 * with its code kept beside it for whoever reports the problem.
 */
let ui: UiBrowser;

beforeAll(async () => {
  ui = await openUiBrowser({ size: 30 });
}, 90_000);

afterAll(async () => {
  await ui?.close();
});

test("a dead link's unrestrict error says what happened, in words", async () => {
  const { page, base, fx } = ui;
  const library = fx.fake.state.library;
  const torrent = [...library.torrents.values()].find(
    (t) => t.status === "downloaded" && t.linkIds.length > 0,
  );
  if (!torrent) throw new Error("setup: no downloaded torrent with links");
  for (const id of torrent.linkIds) fx.fake.state.deadLinks.add(id);
  await page.goto(`${base}/torrents/realdebrid/${encodeURIComponent(torrent.id)}`);
  await page.click("#link-0 button:has-text('Unrestrict')");
  const toast = page.locator(".toast-error");
  await toast.waitFor();
  const text = (await toast.textContent()) ?? "";
  expect(text).toContain("the host no longer has this file");
  expect(text).toContain("code 24");
  expect(ui.pageErrors).toEqual([]);
}, 90_000);
