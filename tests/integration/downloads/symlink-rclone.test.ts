import { expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { createApp } from "../../../src/http/app.ts";
import { runSync } from "../../../src/services/sync/index.ts";
import { waitFor } from "../../helpers/downloads.ts";
import { mountRemote, serveAndMount } from "../../helpers/rclone-mount.ts";
import { ARR_CREDS, qbitInfo, startSymlinkPipeline } from "../../helpers/symlink-pipeline.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/**
 * Symlink mode through a real FUSE mount: the fake fills a folder, `rclone serve webdav` serves
 * it on loopback and `rclone mount` mounts that WebDAV (the rclone-on-provider-WebDAV set-up,
 * with its directory cache delaying new torrents); then Redriva's own /dav mounted the same way.
 */
test(
  "a grab through a real rclone mount: links into the FUSE mount that read the fake's bytes",
  async () => {
    expect(existsSync("/dev/fuse")).toBe(true);
    using dir = tempDir("redriva-rclone-");
    const source = join(dir.path, "webdav-root");
    mkdirSync(source, { recursive: true });
    await using rclone = await serveAndMount(source, join(dir.path, "mnt"), "2s");
    await using s = await startSymlinkPipeline({
      layout: "rclone-realdebrid",
      fillDir: source,
      env: () => ({ SYMLINK_MOUNT_PATH: rclone.mountDir, SYMLINK_MOUNT_TIMEOUT: "2m" }),
    });
    const { hash, magnet } = s.p.magnet("Real.Mount.S01", [
      { path: "/Real.Mount.S01E01.mkv", bytes: 700_001 },
      { path: "/Real.Mount.S01E02.mkv", bytes: 300_003 },
    ]);
    const added = await s.arr.call("POST", "torrents/add", { form: { urls: magnet, category: "tv-sonarr" } });
    expect(await added.text()).toBe("Ok.");
    const done = await waitFor(
      async () => {
        const t = await qbitInfo(s.arr, hash);
        return t?.state === "pausedUP" || t?.state === "error" ? t : null;
      },
      { timeoutMs: 60_000, what: "pausedUP through the rclone mount" },
    );
    expect(done.state).toBe("pausedUP");
    expect(done.content_path).toBe(join(s.p.downloadDir, "tv-sonarr", "Real.Mount.S01"));
    for (const [i, bytes] of [700_001, 300_003].entries()) {
      const link = join(done.content_path, `Real.Mount.S01E0${i + 1}.mkv`);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(
        join(rclone.mountDir, "torrents", "Real.Mount.S01", `Real.Mount.S01E0${i + 1}.mkv`),
      );
      const read = new Bun.CryptoHasher("sha256").update(await Bun.file(link).arrayBuffer()).digest("hex");
      expect(read).toBe(contentSha256(`${hash}:${i + 1}`, bytes));
    }
  },
  { timeout: 120_000 },
);

/** rclone's obscured form of a password (its remotes defined in the environment want it). */
async function obscure(password: string): Promise<string> {
  const proc = Bun.spawn(["rclone", "obscure", "-"], { stdin: new Blob([password]), stdout: "pipe" });
  const out = (await new Response(proc.stdout).text()).trim();
  if ((await proc.exited) !== 0 || out === "") throw new Error("rclone obscure failed");
  return out;
}

test(
  "Redriva's own /dav mounted with rclone: the grab shows there after a sync and is linked from it",
  async () => {
    expect(existsSync("/dev/fuse")).toBe(true);
    using dir = tempDir("redriva-rclone-dav-");
    const mnt = join(dir.path, "mnt");
    mkdirSync(mnt, { recursive: true });
    await using s = await startSymlinkPipeline({
      env: () => ({ SYMLINK_MOUNT_PATH: mnt, SYMLINK_MOUNT_TIMEOUT: "2m" }),
    });
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: createApp(s.p.deps).fetch,
      idleTimeout: 0,
    });
    await using _server = { [Symbol.asyncDispose]: () => server.stop(true) };
    await using _mount = await mountRemote("redriva:", mnt, {
      dirCacheTime: "1s",
      env: {
        RCLONE_CONFIG_REDRIVA_TYPE: "webdav",
        RCLONE_CONFIG_REDRIVA_URL: `http://127.0.0.1:${server.port}/dav/`,
        RCLONE_CONFIG_REDRIVA_VENDOR: "other",
        RCLONE_CONFIG_REDRIVA_USER: ARR_CREDS.username,
        RCLONE_CONFIG_REDRIVA_PASS: await obscure(ARR_CREDS.password),
      },
    });
    const { hash, magnet } = s.p.magnet("Dav.Movie.2024", [{ path: "/Dav.Movie.2024.mkv", bytes: 400_009 }]);
    await s.arr.call("POST", "torrents/add", { form: { urls: magnet, category: "radarr" } });
    await waitFor(async () => (await qbitInfo(s.arr, hash))?.state === "checkingDL", {
      what: "waiting for the mount",
    });
    // /dav serves the synced library: the scheduled sync brings the new torrent in.
    const synced = await runSync(s.p.deps, "full", {});
    expect(synced.status).toBe("succeeded");
    const done = await waitFor(
      async () => {
        const t = await qbitInfo(s.arr, hash);
        return t?.state === "pausedUP" || t?.state === "error" ? t : null;
      },
      { timeoutMs: 60_000, what: "pausedUP through /dav" },
    );
    expect(done.state).toBe("pausedUP");
    expect(lstatSync(done.content_path).isSymbolicLink()).toBe(true);
    expect(readlinkSync(done.content_path).startsWith(`${join(mnt, "__all__")}/`)).toBe(true);
    const read = new Bun.CryptoHasher("sha256")
      .update(await Bun.file(done.content_path).arrayBuffer())
      .digest("hex");
    expect(read).toBe(contentSha256(`${hash}:1`, 400_009));
  },
  { timeout: 120_000 },
);
