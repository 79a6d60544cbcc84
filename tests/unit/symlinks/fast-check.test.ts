import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  allocCheckBuffer,
  checkEntry,
  isMediaName,
  type Verdict,
} from "../../../src/services/symlinks/check.ts";
import { checkFolderEntries, createFastChecker } from "../../../src/services/symlinks/fast-check.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

describe("phase 1 fast path (openat/pread through libc)", () => {
  test("gives exactly the verdicts of checkEntry on every kind of entry", () => {
    using dir = tempDir();
    const d = dir.path;
    writeFileSync(join(d, "full.mkv"), Buffer.alloc(4096, 1));
    writeFileSync(join(d, "zero.mkv"), "");
    writeFileSync(join(d, "small.mkv"), "x".repeat(100));
    writeFileSync(join(d, "small.srt"), "x".repeat(100));
    mkdirSync(join(d, "folder"));
    const links: Array<[string, string]> = [
      ["ok-link.mkv", join(d, "full.mkv")],
      ["empty-link.mkv", join(d, "zero.mkv")],
      ["broken.mkv", join(d, "missing.mkv")],
      ["broken-dir.mkv", join(d, "full.mkv", "below")],
      ["loop-a", join(d, "loop-b")],
      ["loop-b", join(d, "loop-a")],
      ["folder-link", join(d, "folder")],
      ["pipe-link.mkv", join(d, "pipe.mkv")],
      ["ünïcödé 日本.mkv", join(d, "full.mkv")],
    ];
    for (const [name, target] of links) symlinkSync(target, join(d, name));
    Bun.spawnSync(["mkfifo", join(d, "pipe.mkv")]);
    const names = [
      "full.mkv",
      "zero.mkv",
      "small.mkv",
      "small.srt",
      ...links.map(([n]) => n),
      "vanished.mkv",
    ];
    const flags = names.map((n) => (links.some(([l]) => l === n) ? "1" : "0")).join("");

    const buffer = allocCheckBuffer();
    const options = { minSizeBytes: 1024, buffer };
    const fast = createFastChecker(buffer);
    // Linux with glibc (CI and the Docker image): the fast path must really be in use here.
    expect(fast).not.toBeNull();
    const viaFast: Record<string, Verdict> = {};
    checkFolderEntries(fast, d, names, flags, isMediaName, options, (i, verdict) => {
      viaFast[names[i] as string] = verdict;
    });
    const viaNode = Object.fromEntries(
      names.map((n, i) => [n, checkEntry(join(d, n), flags[i] === "1", isMediaName(n), options)]),
    );
    expect(viaFast).toEqual(viaNode);
    expect(viaFast["broken.mkv"]).toMatchObject({ type: "broken", detail: "target missing" });
    expect(viaFast["loop-a"]).toMatchObject({ type: "broken", detail: "link loop" });
    expect(viaFast["ünïcödé 日本.mkv"]).toEqual({ status: "ok" });
    expect(viaFast["small.mkv"]).toMatchObject({ type: "empty", size: 100 });

    // A threshold above the read size needs the file size: the slow path answers.
    const big = { minSizeBytes: 1_000_000, buffer };
    const folder = fast?.openFolder(d) ?? -1;
    expect(folder).toBeGreaterThanOrEqual(0);
    expect(fast?.check(folder, "full.mkv", false, true, big)).toBeNull();
    fast?.closeFolder(folder);
  });
});
