import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { runScan } from "../../../src/services/symlinks/index.ts";
import { type FakeArr, startFakeArr } from "../../fakes/arr-server.ts";
import {
  DESKTOP,
  horizontalOverflow,
  PHONE,
  seriousAxeViolations,
  widestElements,
} from "../../helpers/browser.ts";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/**
 * Issue 13, symlink scan results: a paged table of findings (50 a page) with their target, kind
 * in words and detail, filters by kind and a path search; findings picked for deletion (ticked,
 * or all matching); a confirmation that lists what goes and which *arr rescans, Cancel focused;
 * Confirm deletes exactly the picked links; a dry run shows the same plan; phones fit.
 * Against a real media tree: 62 broken links, 5 links to empty files, 3 working links.
 */
const BROKEN = 62;
const EMPTY = 5;
const LONG = `${"A.Very.Long.Episode.Name.Without.Any.Space.".repeat(5)}mkv`;

let ui: UiBrowser;
let sonarr: FakeArr;
let base: string;
let media: string;
let dryScan: number;
let realScan: number;

const brokenPath = (i: number) => `tv/Show A/Season 1/S01E${String(i).padStart(2, "0")}.mkv`;

function buildTree(dir: string): string[] {
  const source = join(dir, "source");
  const root = join(dir, "media");
  mkdirSync(join(root, "tv/Show A/Season 1"), { recursive: true });
  mkdirSync(join(root, "movies/Films"), { recursive: true });
  mkdirSync(source, { recursive: true });
  const links: string[] = [];
  const link = (rel: string, target: string) => {
    symlinkSync(target, join(root, rel));
    links.push(rel);
  };
  for (let i = 1; i <= BROKEN - 1; i++) link(brokenPath(i), join(source, `gone-${i}.mkv`));
  link(`tv/Show A/Season 1/${LONG}`, join(source, "gone-long.mkv"));
  for (let i = 1; i <= EMPTY; i++) {
    writeFileSync(join(source, `empty-${i}.mkv`), "");
    link(`movies/Films/Empty ${i}.mkv`, join(source, `empty-${i}.mkv`));
  }
  for (let i = 1; i <= 3; i++) {
    writeFileSync(join(source, `ok-${i}.mkv`), Buffer.alloc(8192, 7));
    link(`movies/Films/Fine ${i}.mkv`, join(source, `ok-${i}.mkv`));
  }
  return links;
}

let allLinks: string[];
const linksLeft = () => allLinks.filter((rel) => isLink(join(media, rel)));

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "redriva-symscan-ui-"));
  allLinks = buildTree(dir);
  media = join(dir, "media");
  sonarr = startFakeArr({ kind: "sonarr", items: [{ id: 41, title: "Show A", path: "/tv/Show A" }] });
  ui = await openUiBrowser({
    size: 12,
    env: {
      MEDIA_ROOT: media,
      SYMLINK_WORKERS: "2",
      SONARR_URL: sonarr.url,
      SONARR_API_KEY: sonarr.apiKey,
    },
  });
  base = ui.base;
  const dry = await runScan(ui.fx.deps, { mode: "dry-run", depth: "basic" });
  const real = await runScan(ui.fx.deps, { mode: "real", depth: "basic" });
  if (dry.problems !== BROKEN + EMPTY || real.status !== "awaiting_confirmation")
    throw new Error(`setup: dry ${dry.problems} problems, real ${real.status}`);
  dryScan = dry.scanId;
  realScan = real.scanId;
}, 180_000);

afterAll(async () => {
  await ui?.close();
  await sonarr?.stop();
  if (media) rmSync(join(media, ".."), { recursive: true, force: true });
});

const rows = (page: Page) => page.locator("table.symlinks-findings tbody tr");
const range = (page: Page) => page.locator("#findings-range").textContent();

async function planDialog(page: Page, button: string) {
  await page.click(button);
  const dialog = page.locator("#symlinks-plan-dialog[open]");
  await dialog.waitFor();
  return dialog;
}

test("findings page 50 at a time, with target, kind in words and detail; kinds filter; paths search", async () => {
  const { page } = ui;
  await page.setViewportSize(DESKTOP);
  await page.goto(`${base}/symlinks/scans/${dryScan}`);
  expect(await range(page)).toBe(`1–50 of ${BROKEN + EMPTY}`);
  expect(await rows(page).count()).toBe(50);
  const first = rows(page).first();
  expect(await first.locator(".finding-path").textContent()).toBe("movies/Films/Empty 1.mkv");
  expect(await first.locator(".finding-target").textContent()).toBe(
    join(media, "..", "source", "empty-1.mkv"),
  );
  expect(await first.locator(".finding-kind").textContent()).toBe("Empty / too small (link)");
  expect(await first.locator(".finding-detail").textContent()).toBe("0 bytes");
  // A long path is cut with an ellipsis; the full path is its title (hover) and shows when focused.
  const long = page.locator(`td.finding-path .cut[title="tv/Show A/Season 1/${LONG}"]`);
  expect(await long.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await long.focus();
  expect(await long.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);

  await page.click("nav.pager a[rel=next]");
  await page.waitForURL(`${base}/symlinks/scans/${dryScan}?page=2`);
  expect(await range(page)).toBe(`51–${BROKEN + EMPTY} of ${BROKEN + EMPTY}`);
  expect(await rows(page).count()).toBe(BROKEN + EMPTY - 50);
  const broken = rows(page).filter({ hasText: "S01E60.mkv" });
  expect(await broken.locator(".finding-kind").textContent()).toBe("Broken link (link)");
  expect(await broken.locator(".finding-detail").textContent()).toBe("target missing");

  await page.click("nav.symlinks-kinds a:has-text('Empty / too small')");
  await page.waitForURL(/type=empty/);
  expect(await rows(page).count()).toBe(EMPTY);
  for (const kind of await rows(page).locator(".finding-kind").allTextContents())
    expect(kind).toContain("Empty / too small");

  await page.click("nav.symlinks-kinds a:has-text('All')");
  await page.fill("#findings-q", "s01e0");
  await page.click(".symlinks-search button[type=submit]");
  await page.waitForURL(/q=s01e0/);
  expect(await rows(page).locator(".finding-path").allTextContents()).toEqual(
    Array.from({ length: 9 }, (_, i) => brokenPath(i + 1)),
  );
  expect(await seriousAxeViolations(page)).toEqual([]);
  expect(ui.pageErrors).toEqual([]);
}, 120_000);

test("a dry run shows its plan the same way: what would go, who would rescan; nothing is deleted", async () => {
  const { page } = ui;
  await page.goto(`${base}/symlinks/scans/${dryScan}`);
  await page.check("#symlinks-select-page");
  expect(await page.locator("#symlinks-selected").textContent()).toBe("50 selected");
  const dialog = await planDialog(page, "#symlinks-act-selected");
  expect(await dialog.locator("h2").textContent()).toBe("Dry run: deleting would remove 50 links or files");
  expect(await dialog.locator(".symlinks-plan-paths li").count()).toBe(20);
  expect(await dialog.textContent()).toContain("and 30 more");
  expect(await dialog.locator(".symlinks-plan-rescans").textContent()).toContain(
    "Would ask to rescan: Sonarr",
  );
  expect(await dialog.locator("#symlinks-plan-confirm").count()).toBe(0);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("symlinks-plan-cancel");
  await page.click("#symlinks-plan-cancel");
  await page.locator("#symlinks-plan-dialog").waitFor({ state: "detached" });
  expect(linksLeft()).toEqual(allLinks);
  expect(sonarr.commands).toEqual([]);
}, 120_000);

test("the confirmation lists what goes and who rescans; Cancel keeps every link", async () => {
  const { page } = ui;
  await page.goto(`${base}/symlinks/scans/${realScan}`);
  const dialog = await planDialog(page, "#symlinks-act-all");
  expect(await dialog.locator("h2").textContent()).toBe(`Delete ${BROKEN + EMPTY} links or files?`);
  expect(await dialog.locator(".symlinks-plan-paths li").first().textContent()).toBe(
    "movies/Films/Empty 1.mkv",
  );
  expect(await dialog.textContent()).toContain(`and ${BROKEN + EMPTY - 20} more`);
  expect(await dialog.locator(".symlinks-plan-rescans").textContent()).toContain(
    "Then asks to rescan: Sonarr",
  );
  // Cancel has the focus: Enter right away cancels.
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("symlinks-plan-cancel");
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.keyboard.press("Enter");
  await page.locator("#symlinks-plan-dialog").waitFor({ state: "detached" });
  expect(linksLeft()).toEqual(allLinks);
  expect(await page.locator(".badge", { hasText: "awaiting confirmation" }).count()).toBe(1);
  // While the deletion waits for an answer, nothing offers to run the scan again.
  expect(await page.locator("button", { hasText: "Run again" }).count()).toBe(0);
  await page.goto(`${base}/symlinks`);
  const waiting = page.locator("table.symlinks-history tr", { hasText: "awaiting confirmation" });
  expect(await waiting.locator("button", { hasText: "Run again" }).count()).toBe(0);
  expect(await waiting.locator("a", { hasText: "confirm or decline" }).count()).toBe(1);
}, 120_000);

test("Confirm deletes exactly the ticked links, then the page says what was deleted", async () => {
  const { page } = ui;
  await page.goto(`${base}/symlinks/scans/${realScan}?type=broken&page=2`);
  const picked = [brokenPath(55), brokenPath(57), brokenPath(60)];
  for (const path of picked) await page.locator(`tr[data-path="${path}"] input[name=ids]`).check();
  expect(await page.locator("#symlinks-selected").textContent()).toBe("3 selected");
  const dialog = await planDialog(page, "#symlinks-act-selected");
  expect(await dialog.locator(".symlinks-plan-paths li").allTextContents()).toEqual([...picked].sort());
  expect(await dialog.textContent()).toContain(`The other ${BROKEN + EMPTY - 3} findings are kept`);
  await dialog.locator("#symlinks-plan-confirm").click();
  await page.locator("#deletion-outcome").waitFor({ timeout: 60_000 });
  expect(await page.locator("#outcome-deleted li").allTextContents()).toEqual([...picked].sort());
  expect(linksLeft()).toEqual(allLinks.filter((rel) => !picked.includes(rel)));
  for (const path of picked) expect(existsSync(join(media, path))).toBe(false);
  expect(sonarr.commands.map((c) => c.body)).toEqual([{ name: "RescanSeries", seriesId: 41 }]);
  expect(ui.pageErrors).toEqual([]);
}, 120_000);

test("at 390 px the findings, the plan and the outcome fit the screen", async () => {
  const { page } = ui;
  await page.setViewportSize(PHONE);
  try {
    for (const path of [`/symlinks/scans/${dryScan}?page=2`, `/symlinks/scans/${realScan}?outcome=deleted`]) {
      await page.goto(`${base}${path}`);
      expect({ path, overflow: await horizontalOverflow(page), wide: await widestElements(page) }).toEqual({
        path,
        overflow: 0,
        wide: [],
      });
      expect(await seriousAxeViolations(page)).toEqual([]);
    }
    await page.goto(`${base}/symlinks/scans/${dryScan}?page=2`);
    const dialog = await planDialog(page, "#symlinks-act-all");
    const box = await dialog.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
    expect(await horizontalOverflow(page)).toBe(0);
  } finally {
    await page.setViewportSize(DESKTOP);
  }
}, 120_000);
