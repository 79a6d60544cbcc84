import { expect, test } from "bun:test";
import { accessSync, constants, existsSync } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { contentSlice } from "../../../src/fake-debrid/content.ts";
import type { FakeFile, FakeTorrent } from "../../../src/fake-debrid/library.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { startDavFixture } from "./helpers.ts";

/** Why FUSE cannot be used here, or null when it can. */
function fuseUnusable(): string | null {
  if (!existsSync("/dev/fuse")) return "/dev/fuse does not exist";
  try {
    accessSync("/dev/fuse", constants.R_OK | constants.W_OK);
  } catch {
    return "/dev/fuse is not readable and writable by this user";
  }
  if (!Bun.which("fusermount3") && !Bun.which("fusermount"))
    return "fusermount (Debian fuse3) is not installed";
  return null;
}

/** Reads through the mount stay asynchronous: rclone asks this very process (the server) for the bytes. */
async function until(
  condition: () => Promise<boolean>,
  what: string,
  proc: { exitCode: number | null },
): Promise<void> {
  for (;;) {
    if (await condition()) return;
    if (proc.exitCode !== null) throw new Error(`rclone mount exited (${proc.exitCode}) before ${what}`);
    await Bun.sleep(100);
  }
}

test("rclone mount: a file read through the filesystem has the fake's bytes", async () => {
  const reason = fuseUnusable();
  if (reason) {
    console.log(`rclone mount test not run: FUSE is unusable here (${reason})`);
    return;
  }
  await using f = await startDavFixture({ size: 10 });
  using dir = tempDir("redriva-dav-mount-");
  const torrent = [...f.fake.state.library.torrents.values()].find(
    (t) => t.status === "downloaded" && t.files.filter((x) => x.selected).length === 1,
  ) as FakeTorrent;
  const file = torrent.files.find((x) => x.selected) as FakeFile;
  const proc = Bun.spawn(
    [
      "rclone",
      "mount",
      "redriva:",
      dir.path,
      "--read-only",
      "--vfs-cache-mode",
      "off",
      "--dir-cache-time",
      "5s",
    ],
    { env: { ...process.env, ...f.rcloneEnv }, stdout: "ignore", stderr: "ignore" },
  );
  try {
    await until(
      async () => (await readdir(dir.path).catch((): string[] => [])).includes("__all__"),
      "the mount showed __all__",
      proc,
    );
    expect(await readdir(join(dir.path, "__all__"))).toContain(torrent.filename);
    const path = join(dir.path, "__all__", torrent.filename, ...file.path.split("/").filter((s) => s !== ""));
    expect((await stat(path)).size).toBe(file.bytes);
    const offset = Math.floor(file.bytes / 3);
    const handle = await open(path, "r");
    const bytes = new Uint8Array(50_000);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, offset);
    await handle.close();
    expect(bytesRead).toBe(50_000);
    expect(Buffer.compare(bytes, contentSlice(file.key, offset, offset + 50_000))).toBe(0);
  } finally {
    await Bun.spawn([Bun.which("fusermount3") ? "fusermount3" : "fusermount", "-u", "-z", dir.path]).exited;
    proc.kill();
    await proc.exited;
  }
}, 120_000);
