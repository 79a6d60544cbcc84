import { describe, expect, test } from "bun:test";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { getDirectoryTree, getScanProgress, startScan } from "../../../src/services/symlinks/index.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { startSymlinkEnv } from "./helpers.ts";

/** Issue 11 §1: the checker's memory lives in deps.symlinks, built per createDeps. */
describe("symlink runtime state belongs to its Deps", () => {
  test("two Deps over the same media root keep their own folder trees and scans", async () => {
    await using env = await startSymlinkEnv();
    using other = makeTestDeps({ MEDIA_ROOT: env.tree.media, SYMLINK_WORKERS: "2" });
    const first = await getDirectoryTree(env.deps, { depth: 0 });
    symlinkSync(join(env.tree.base, "nowhere.mkv"), join(env.tree.media, "new-link.mkv"));
    // The first Deps still answers from its snapshot; the other one never saw that snapshot.
    expect((await getDirectoryTree(env.deps, { depth: 0 })).node.symlinks).toBe(first.node.symlinks);
    expect((await getDirectoryTree(other, { depth: 0 })).node.symlinks).toBe(first.node.symlinks + 1);

    const { scanId, done } = startScan(env.deps, { mode: "dry-run" });
    expect([...env.deps.symlinks.scans.keys()]).toEqual([scanId]);
    expect(other.symlinks.scans.size).toBe(0);
    expect((await done).status).toBe("completed");
    expect(env.deps.symlinks.scans.size).toBe(0);
    expect(getScanProgress(env.deps, scanId).status).toBe("completed");
  });
});
