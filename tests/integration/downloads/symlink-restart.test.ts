import { describe, expect, test } from "bun:test";
import { lstatSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { showNow } from "../../../src/fake-debrid/mount.ts";
import { startDownloads } from "../../../src/services/downloads/runtime.ts";
import { DownloadsState } from "../../../src/services/downloads/state.ts";
import { waitFor } from "../../helpers/downloads.ts";
import { qbitInfo, startSymlinkPipeline } from "../../helpers/symlink-pipeline.ts";

async function sha256(path: string): Promise<string> {
  return new Bun.CryptoHasher("sha256").update(await Bun.file(path).arrayBuffer()).digest("hex");
}

describe("symlink mode: waiting for the mount survives a restart", () => {
  test(
    "a grab waiting for its files when Redriva restarts goes on waiting under the provider's name, then ends linked",
    async () => {
      const never = new Set<string>();
      await using s = await startSymlinkPipeline({
        layout: "rclone-realdebrid",
        never,
        env: () => ({ SYMLINK_MOUNT_TIMEOUT: "60s" }),
      });
      const files = [
        { path: "/E01.mkv", bytes: 40_000 },
        { path: "/E02.mkv", bytes: 30_000 },
      ];
      const { hash, magnet } = s.p.magnet("Local.Name.S01", files);
      // The provider names it otherwise, so its folder in the mount has the provider's name only.
      s.p.fake.state.catalog.set(hash, { name: "Provider.Name.S01.1080p", files });
      never.add(hash);
      const answer = await s.arr.call("POST", "torrents/add", {
        form: { urls: magnet, category: "tv-sonarr" },
      });
      expect(await answer.text()).toBe("Ok.");
      await waitFor(async () => (await qbitInfo(s.arr, hash))?.state === "checkingDL", {
        timeoutMs: 20_000,
        what: "waiting for the mount",
      });

      // Redriva restarts: the downloader and everything it kept in memory are gone.
      await s.p.runtime.stop();
      s.p.deps.downloads = new DownloadsState();
      s.p.runtime = await startDownloads(s.p.deps);
      await waitFor(() => s.p.deps.downloads.mountWaits.has(hash), { what: "the wait taken up again" });
      expect((await qbitInfo(s.arr, hash))?.state).toBe("checkingDL");

      const torrent = s.p.fake.state.byHash(hash);
      if (!torrent) throw new Error("the fake lost the torrent");
      showNow(s.mount, torrent);
      const done = await waitFor(
        async () => {
          const t = await qbitInfo(s.arr, hash);
          return t?.state === "pausedUP" || t?.state === "error" ? t : null;
        },
        { timeoutMs: 30_000, what: "linked after the restart" },
      );
      expect(done.state).toBe("pausedUP");
      const link = join(done.content_path, "E01.mkv");
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(join(s.mountDir, "torrents", "Provider.Name.S01.1080p", "E01.mkv"));
      expect(await sha256(link)).toBe(contentSha256(`${hash}:1`, 40_000));
    },
    { timeout: 60_000 },
  );
});
