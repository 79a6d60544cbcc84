import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  cancelScan,
  confirmDeletion,
  deletionPlan,
  getScanProgress,
  listScanProblems,
  runScan,
} from "../../../src/services/symlinks/index.ts";
import { pathsOf, startSymlinkEnv } from "./helpers.ts";
import { snapshotTree } from "./media-tree.ts";

describe("real mode: confirmed deletion and Sonarr/Radarr rescans", () => {
  test("deletes exactly the confirmed list (links only, never targets) and rescans the owners", async () => {
    await using env = await startSymlinkEnv();
    const { tree, deps, sonarr, radarr } = env;
    const scan = await runScan(deps, { mode: "real", depth: "basic" });
    expect(scan.status).toBe("awaiting_confirmation");
    const sourceBefore = snapshotTree(tree.source);
    const mediaBefore = snapshotTree(tree.media);

    // Nothing happens without the token of the exact list.
    expect(() => confirmDeletion(deps, scan.scanId, {})).toThrow("token");
    const all = deletionPlan(deps, scan.scanId);
    expect(() => confirmDeletion(deps, scan.scanId, { token: all.token, types: ["broken"] })).toThrow(
      "does not match",
    );
    expect(snapshotTree(tree.media)).toEqual(mediaBefore);

    const plan = deletionPlan(deps, scan.scanId, ["broken", "empty"]);
    const confirmed = pathsOf(plan.items);
    expect(confirmed).toEqual([...tree.expected.broken, ...tree.expected.empty].sort());
    const { done, count } = confirmDeletion(deps, scan.scanId, {
      token: plan.token,
      types: ["broken", "empty"],
    });
    expect(count).toBe(confirmed.length);
    const final = await done;
    expect(final).toMatchObject({
      status: "completed",
      deleted: confirmed.length,
      deleteFailed: 0,
      error: null,
    });

    // Exactly the confirmed entries are gone from the library; everything else is as it was.
    const mediaAfter = snapshotTree(tree.media);
    const expectedAfter = Object.fromEntries(
      Object.entries(mediaBefore).filter(([path]) => !confirmed.includes(path)),
    );
    expect(mediaAfter).toEqual(expectedAfter);
    // Targets (the "debrid mount") untouched, including the empty files the links pointed at.
    expect(snapshotTree(tree.source)).toEqual(sourceBefore);

    // Sonarr: both shows once each; Radarr: the movie whose link broke. No search, ever.
    expect(sonarr.commands.map((c) => c.body)).toEqual([
      { name: "RescanSeries", seriesId: 11 },
      { name: "RescanSeries", seriesId: 12 },
    ]);
    expect(radarr.commands.map((c) => c.body)).toEqual([{ name: "RescanMovie", movieId: 21 }]);
    expect(final.rescans).toBe(3);

    const rows = listScanProblems(deps, scan.scanId, { limit: 100 }).problems;
    expect(pathsOf(rows.filter((r) => r.deleted_at))).toEqual(confirmed);
    // A second confirmation has nothing left to do.
    expect(() => confirmDeletion(deps, scan.scanId, { token: plan.token })).toThrow("completed");
  });

  test("never deletes through a folder swapped for a symlink out of the root; keeps links that work again", async () => {
    await using env = await startSymlinkEnv({ SONARR_URL: "", RADARR_URL: "" });
    const { tree, deps } = env;
    const scan = await runScan(deps, { mode: "real", paths: ["tv"] });
    const plan = deletionPlan(deps, scan.scanId, ["broken"]);
    expect(pathsOf(plan.items)).toContain("tv/Show Two/subs.srt");

    // Between scan and confirmation: "tv/Show Two" becomes a link to a folder outside the root
    // holding a file of the same name, and one broken link gets its target back.
    const outside = join(tree.base, "outside-show");
    mkdirSync(outside);
    writeFileSync(join(outside, "subs.srt"), "precious");
    renameSync(join(tree.media, "tv/Show Two"), join(tree.base, "moved-show"));
    symlinkSync(outside, join(tree.media, "tv/Show Two"));
    writeFileSync(join(tree.source, "gone.mkv"), Buffer.alloc(4096, 1));

    const final = await confirmDeletion(deps, scan.scanId, { token: plan.token, types: ["broken"] }).done;
    expect(existsSync(join(outside, "subs.srt"))).toBe(true);
    expect(lstatSync(join(tree.media, "tv/Show One/Season 1/S01E02.mkv")).isSymbolicLink()).toBe(true);
    const rows = listScanProblems(deps, scan.scanId, { types: ["broken"] }).problems;
    const state = Object.fromEntries(rows.map((r) => [r.path, r.deleted_at ? "deleted" : r.delete_error]));
    expect(state).toEqual({
      "tv/Show One/Season 1/S01E02.mkv": "skipped: works again since the scan",
      "tv/Show Two/<img src=x onerror=alert(1)>.mkv": expect.stringContaining("symlinked folder"),
      "tv/Show Two/subs.srt": expect.stringContaining("symlinked folder"),
    });
    // Refusals are failures: the run says so instead of reporting success.
    expect(final.status).toBe("failed");
    expect(final.deleteFailed).toBe(2);
    expect(final.error).toContain("2 of 3 could not be deleted");
  });

  test("declining keeps everything; dry-run scans cannot be confirmed", async () => {
    await using env = await startSymlinkEnv();
    const before = snapshotTree(env.tree.media);
    const real = await runScan(env.deps, { mode: "real" });
    cancelScan(env.deps, real.scanId);
    expect(getScanProgress(env.deps, real.scanId)).toMatchObject({
      status: "cancelled",
      error: "deletion not confirmed",
    });
    const dry = await runScan(env.deps, {});
    const plan = deletionPlan(env.deps, dry.scanId);
    expect(() => confirmDeletion(env.deps, dry.scanId, { token: plan.token })).toThrow("dry-run");
    expect(snapshotTree(env.tree.media)).toEqual(before);
  });
});
