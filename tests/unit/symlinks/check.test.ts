import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { allocCheckBuffer, checkEntry, isMediaName } from "../../../src/services/symlinks/check.ts";
import { readableCheckout } from "../../helpers/readable-checkout.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const options = { minSizeBytes: 1024, buffer: allocCheckBuffer() };

describe("phase 1 check of one entry", () => {
  test("classifies links and files", () => {
    using dir = tempDir();
    const d = dir.path;
    writeFileSync(join(d, "full.mkv"), Buffer.alloc(4096, 1));
    writeFileSync(join(d, "zero.mkv"), "");
    writeFileSync(join(d, "small.mkv"), "x".repeat(100));
    writeFileSync(join(d, "small.srt"), "x".repeat(100));
    writeFileSync(join(d, "zero.srt"), "");
    mkdirSync(join(d, "folder"));
    symlinkSync(join(d, "full.mkv"), join(d, "ok-link.mkv"));
    symlinkSync(join(d, "missing.mkv"), join(d, "broken.mkv"));
    symlinkSync(join(d, "loop-b"), join(d, "loop-a"));
    symlinkSync(join(d, "loop-a"), join(d, "loop-b"));
    symlinkSync(join(d, "folder"), join(d, "folder-link"));
    Bun.spawnSync(["mkfifo", join(d, "pipe.mkv")]);
    symlinkSync(join(d, "pipe.mkv"), join(d, "pipe-link.mkv"));

    const check = (name: string, link: boolean) =>
      checkEntry(join(d, name), link, isMediaName(name), options);
    expect(check("full.mkv", false)).toEqual({ status: "ok" });
    expect(check("ok-link.mkv", true)).toEqual({ status: "ok" });
    expect(check("broken.mkv", true)).toMatchObject({
      status: "problem",
      type: "broken",
      detail: "target missing",
    });
    expect(check("loop-a", true)).toMatchObject({ status: "problem", type: "broken", detail: "link loop" });
    expect(check("zero.mkv", false)).toMatchObject({ type: "empty", size: 0 });
    expect(check("small.mkv", false)).toMatchObject({ type: "empty", size: 100, detail: "100 bytes" });
    // The size threshold is for media; other files are only "empty" at 0 bytes.
    expect(check("small.srt", false)).toEqual({ status: "ok" });
    expect(check("zero.srt", false)).toMatchObject({ type: "empty" });
    expect(check("folder-link", true)).toEqual({ status: "skip" });
    // A FIFO is never opened in blocking mode: the check returns at once.
    expect(check("pipe-link.mkv", true)).toEqual({ status: "skip" });
    // A plain file that vanished since the listing is not a broken link.
    expect(check("vanished.mkv", false)).toEqual({ status: "skip" });
  });

  test("large thresholds fall back to the file size", () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, "mid.mkv"), Buffer.alloc(100_000, 1));
    const big = { minSizeBytes: 1_000_000, buffer: allocCheckBuffer() };
    expect(checkEntry(join(dir.path, "mid.mkv"), false, true, big)).toMatchObject({
      type: "empty",
      size: 100_000,
    });
    expect(checkEntry(join(dir.path, "mid.mkv"), false, true, { ...big, minSizeBytes: 50_000 })).toEqual({
      status: "ok",
    });
  });

  /**
   * chmod 000 does not stop root, and the tests run as root in CI: the permission case runs
   * the same check in a child process as "nobody" (setpriv). As another user it runs directly.
   */
  test("an unreadable file (chmod 000) is inaccessible for the user Redriva runs as", () => {
    using dir = tempDir();
    chmodSync(dir.path, 0o755);
    const locked = join(dir.path, "locked.mkv");
    writeFileSync(locked, Buffer.alloc(4096, 1));
    chmodSync(locked, 0o000);
    symlinkSync(locked, join(dir.path, "locked-link.mkv"));
    const asUser =
      process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
    // The child reads a world-readable copy: the checkout may sit in a folder "nobody" cannot enter.
    using checkout = readableCheckout();
    const script = `
      import { allocCheckBuffer, checkEntry } from ${JSON.stringify(join(checkout.path, "src/services/symlinks/check.ts"))};
      const o = { minSizeBytes: 1, buffer: allocCheckBuffer() };
      console.log(JSON.stringify([checkEntry(${JSON.stringify(locked)}, false, true, o), checkEntry(${JSON.stringify(join(dir.path, "locked-link.mkv"))}, true, true, o)]));
    `;
    const run = Bun.spawnSync([...asUser, process.execPath, "-e", script], {
      env: { PATH: process.env.PATH, HOME: dir.path },
      cwd: checkout.path,
    });
    expect(run.stderr.toString()).toBe("");
    const [file, link] = JSON.parse(run.stdout.toString());
    expect(file).toMatchObject({ status: "problem", type: "inaccessible" });
    expect(link).toMatchObject({ status: "problem", type: "inaccessible" });
  });
});
