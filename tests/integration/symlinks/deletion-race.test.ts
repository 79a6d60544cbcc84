import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  confirmDeletion,
  deletionPlan,
  listScanProblems,
  runScan,
} from "../../../src/services/symlinks/index.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { waitUntil } from "../../helpers/hanging-ffprobe.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { snapshotTree } from "./media-tree.ts";

const LINKS = 3000;
const SWAPPER = join(import.meta.dir, "../../helpers/folder-swapper.ts");

/**
 * Issue 12 §7: while a confirmed deletion runs, another process keeps swapping the folder that
 * holds the broken links for a symlink to a folder outside the media root whose entries have the
 * same names. Whatever the timing, nothing outside the root may be deleted.
 */
describe("confirmed deletion racing a folder swapped for a symlink", () => {
  test("deletes nothing outside the media root", async () => {
    using dir = tempDir("redriva-race-");
    const media = join(dir.path, "media");
    const show = join(media, "tv", "Show");
    const outside = join(dir.path, "outside", "Show");
    mkdirSync(show, { recursive: true });
    mkdirSync(outside, { recursive: true });
    for (let i = 0; i < LINKS; i++) {
      const name = `Show S01E${String(i).padStart(4, "0")}.mkv`;
      symlinkSync(join(dir.path, "gone", name), join(show, name));
      // Same name outside, same kind (a broken link): the one a racy unlink would remove.
      symlinkSync(join(dir.path, "elsewhere", name), join(outside, name));
    }
    writeFileSync(join(outside, "keep.txt"), "outside the root");
    const outsideBefore = snapshotTree(join(dir.path, "outside"));

    using deps = makeTestDeps({ MEDIA_ROOT: media, SYMLINK_WORKERS: "2" });
    const scan = await runScan(deps, { mode: "real", depth: "basic" });
    expect(scan.status).toBe("awaiting_confirmation");
    const plan = deletionPlan(deps, scan.scanId, ["broken"]);
    expect(plan.items).toHaveLength(LINKS);

    const readyFile = join(dir.path, "swapper-ready");
    const stopFile = join(dir.path, "swapper-stop");
    const swapper = Bun.spawn([process.execPath, SWAPPER, show, outside, readyFile, stopFile, "120000"], {
      stdout: "pipe",
      stderr: "pipe",
    });
    let final: Awaited<ReturnType<typeof confirmDeletion>["done"]>;
    try {
      await waitUntil(() => existsSync(readyFile) || swapper.exitCode !== null, 30_000, "swapper running");
      expect(swapper.exitCode).toBeNull();
      final = await confirmDeletion(deps, scan.scanId, { token: plan.token, types: ["broken"] }).done;
    } finally {
      writeFileSync(stopFile, "");
      await swapper.exited;
    }
    expect(await new Response(swapper.stderr).text()).toBe("");
    expect(swapper.exitCode).toBe(0);
    expect(Number(await new Response(swapper.stdout).text())).toBeGreaterThan(0);

    // The point: every entry outside the root is still there, untouched.
    const outsideAfter = snapshotTree(join(dir.path, "outside"));
    const touchedOutside = Object.keys({ ...outsideBefore, ...outsideAfter }).filter(
      (path) => outsideBefore[path] !== outsideAfter[path],
    );
    expect(touchedOutside).toEqual([]);

    // Inside, each link was either deleted (and is gone) or refused with a reason (and is kept);
    // refusals make the run "failed", never a silent success.
    expect(lstatSync(show).isDirectory()).toBe(true);
    const rows = listScanProblems(deps, scan.scanId, { limit: LINKS }).problems;
    for (const row of rows) {
      const name = row.path.split("/").pop() as string;
      if (row.deleted_at) expect(existsSync(join(show, name)) || isLink(join(show, name))).toBe(false);
      else {
        expect(row.delete_error).toBeTruthy();
        expect(isLink(join(show, name))).toBe(true);
      }
    }
    expect(final.deleted + final.deleteFailed).toBe(LINKS);
    expect(final.deleted).toBe(rows.filter((r) => r.deleted_at).length);
  }, 180_000);
});

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
