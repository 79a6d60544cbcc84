import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { updateTorrent } from "../../../src/db/repo/downloads.ts";
import { BUILTIN_JOBS } from "../../../src/jobs/definitions/index.ts";
import type { JobDefinition } from "../../../src/jobs/types.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import type { RuntimeStatus } from "../../../src/services/downloads/state.ts";
import {
  cancelScan,
  getScanProgress,
  saveSymlinkSettings,
  startScan,
} from "../../../src/services/symlinks/index.ts";
import { waitUntil, writeHangingFfprobe } from "../../helpers/hanging-ffprobe.ts";
import { openUiBrowser, type UiBrowser } from "../../helpers/ui-browser.ts";

/**
 * Issue 13 §5: live state never goes stale. What a page shows as running follows the run to its
 * end without a reload, and a media root set in the UI arms symlink-check at once (no restart).
 */
let ui: UiBrowser;
let work: string;
let release: (() => void) | null = null;

/** A job that runs until the test lets it go. */
const slow: JobDefinition = {
  name: "slow",
  description: "runs until released",
  defaultSchedule: "off",
  async run(ctx) {
    ctx.progress({ phase: "waiting", done: 1, total: 2 });
    await new Promise<void>((resolve, reject) => {
      release = resolve;
      ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
    });
    return { counts: { items: 2 } };
  },
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "redriva-live-"));
  const hang = writeHangingFfprobe(work);
  ui = await openUiBrowser({
    size: 10,
    sync: "none",
    env: { FFPROBE_PATH: hang.path },
    jobs: [slow, ...BUILTIN_JOBS],
  });
  ui.fx.deps.jobs.start();
}, 90_000);

afterAll(async () => {
  await ui?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Marks the document: the mark survives only if the page was never reloaded. */
const markPage = (ui: UiBrowser) =>
  ui.page.evaluate(() => {
    (window as unknown as { notReloaded: boolean }).notReloaded = true;
  });
const stillSamePage = (ui: UiBrowser) =>
  ui.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

test("/jobs: a run shows as running in the history, then its outcome, without a reload", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/jobs`);
  await page.click('#job-slow button:has-text("Run now")');
  await page.waitForURL(/done=started/);
  const runId = ui.fx.deps.jobs.activeRun("slow")?.runId;
  expect(runId).toBeGreaterThan(0);
  const row = page.locator("#jobs-history tr", { has: page.locator(`a[href="/jobs/runs/${runId}"]`) });
  await expect(row.locator(".badge").textContent()).resolves.toBe("running");
  await markPage(ui);
  release?.();
  await row.locator(".badge", { hasText: "succeeded" }).waitFor();
  // The table above followed too: the job's last outcome, a Run now button again.
  await page.locator('#job-slow .badge:has-text("succeeded")').waitFor();
  expect(await stillSamePage(ui)).toBe(true);
  expect(ui.pageErrors).toEqual([]);
}, 90_000);

test("a media root saved in the Symlinks settings arms symlink-check at once", async () => {
  const { page, base } = ui;
  await page.goto(`${base}/jobs`);
  await expect(page.locator("#job-symlink-check").textContent()).resolves.toContain("no media root");
  const media = join(work, "media");
  mkdirSync(media);
  await page.goto(`${base}/symlinks/settings`);
  await page.fill("input[name=mediaRoot]", media);
  await page.click('form.symlinks-settings button[type=submit]:has-text("Save")');
  await page.locator("text=Settings saved").waitFor();
  await page.goto(`${base}/jobs`);
  const row = page.locator("#job-symlink-check");
  expect(await row.textContent()).not.toContain("no media root");
  // The next run is known (a time and "in …"), not "—".
  await expect(row.locator(".jobs-until").textContent()).resolves.toMatch(/^(in |now)/);
  expect(ui.fx.deps.jobs.nextRun("symlink-check")).not.toBeNull();
  expect(ui.pageErrors).toEqual([]);
}, 90_000);

test("the Symlinks header's 'scan running' badge goes away when the scan ends", async () => {
  const { page, base } = ui;
  const { deps } = ui.fx;
  const media = join(work, "media-scan");
  mkdirSync(media);
  // A media file that the (hanging) ffprobe never finishes: the scan runs until it is cancelled.
  writeFileSync(join(media, "Film.mkv"), Buffer.alloc(64 * 1024, 1));
  saveSymlinkSettings(deps, { mediaRoot: media, ffprobeTimeoutMs: 300_000, minSizeBytes: 0 });
  const { scanId, done } = startScan(deps, { depth: "full" });
  await waitUntil(() => getScanProgress(deps, scanId).phase === "phase2", 20_000, "phase 2");
  await page.goto(`${base}/symlinks`);
  const badge = page.locator("#symlinks-running .badge");
  await expect(badge.textContent()).resolves.toBe(`scan #${scanId} running`);
  await markPage(ui);
  cancelScan(deps, scanId);
  await done;
  await badge.waitFor({ state: "detached" });
  expect(await stillSamePage(ui)).toBe(true);
  expect(ui.pageErrors).toEqual([]);
}, 90_000);

test("/downloads: the storage card's queue count follows the running downloads", async () => {
  const { page, base } = ui;
  const { deps } = ui.fx;
  const hash = "a1".repeat(20);
  const added = await addTorrents(deps, { urls: [`magnet:?xt=urn:btih:${hash}&dn=Moving`], files: [] });
  expect(added.added.length).toBe(1);
  updateTorrent(deps.dbh.db, hash, { stage: "downloading", size: 1000, downloaded: 10 });
  // The downloader's published state, as the running downloader writes it after each tick.
  const status = (running: number): RuntimeStatus => ({
    storage: { type: "ssd", how: "test" } as RuntimeStatus["storage"],
    profile: {
      split: 4,
      minSplitSize: 1 << 20,
      fileAllocation: "none",
      diskCache: 0,
    } as RuntimeStatus["profile"],
    aria2: { running: true, pid: 1, restarts: 0, error: null },
    queue: {
      running: Array.from({ length: running }, (_, i) => ({ id: `gid${i}`, size: 1000, weight: 1 })),
      waiting: 0,
      used: running,
      budget: 4,
      held: null,
    },
  });
  deps.downloads.status = status(0);
  await page.goto(`${base}/downloads`);
  await expect(page.locator("#downloads-queue").textContent()).resolves.toContain("0 running");
  await markPage(ui);
  deps.downloads.status = status(2);
  await page.locator("#downloads-queue", { hasText: "2 running" }).waitFor();
  expect(await stillSamePage(ui)).toBe(true);
  expect(ui.pageErrors).toEqual([]);
}, 90_000);
