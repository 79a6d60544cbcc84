import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readlinkSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { runRepair, scanForRepair } from "../../../src/services/repair/index.ts";
import { runSync } from "../../../src/services/sync/index.ts";
import { startFakeArr } from "../../fakes/arr-server.ts";
import { waitFor } from "../../helpers/downloads.ts";
import { qbitInfo, startSymlinkPipeline } from "../../helpers/symlink-pipeline.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/**
 * The whole loop through the running downloads loop: a Sonarr grab in symlink mode ends linked
 * from the mount, Sonarr imports it as a link into its library, the torrent dies at the provider,
 * repair re-adds it (new id, new name), and the running server rewrites both links to the new
 * folder in the mount and has Sonarr rescan the series.
 */
const sonarr = startFakeArr({ kind: "sonarr", items: [{ id: 3, title: "Show", path: "/tv/Show" }] });
afterAll(async () => {
  await sonarr.stop();
});

async function sha256(path: string): Promise<string> {
  return new Bun.CryptoHasher("sha256").update(await Bun.file(path).arrayBuffer()).digest("hex");
}

describe("repair of a symlink-mode grab, with the server running", () => {
  test(
    "the grab's link and the library's link follow the re-added torrent; Sonarr rescans",
    async () => {
      using media = tempDir("redriva-media-");
      await using s = await startSymlinkPipeline({
        layout: "zurg",
        delayMs: 200,
        env: () => ({
          DRY_RUN: "false",
          MEDIA_ROOT: media.path,
          SONARR_URL: sonarr.url,
          SONARR_API_KEY: sonarr.apiKey,
          SYMLINK_MOUNT_TIMEOUT: "60s",
        }),
      });
      const files = [
        { path: "/Show.S01E01.mkv", bytes: 30_011 },
        { path: "/Show.S01E02.mkv", bytes: 20_011 },
      ];
      const { hash, magnet } = s.p.magnet("Show.S01.1080p", files);
      const added = await s.arr.call("POST", "torrents/add", {
        form: { urls: magnet, category: "tv-sonarr" },
      });
      expect(await added.text()).toBe("Ok.");
      const grabbed = await waitFor(
        async () => {
          const t = await qbitInfo(s.arr, hash);
          return t?.state === "pausedUP" ? t : null;
        },
        { timeoutMs: 30_000, what: "the grab linked" },
      );
      const grabLink = join(grabbed.content_path, "Show.S01E01.mkv");
      const oldTarget = join(s.mountDir, "__all__", "Show.S01.1080p", "Show.S01E01.mkv");
      expect(readlinkSync(grabLink)).toBe(oldTarget);
      // Sonarr imported the episode as a link into its library.
      const libraryLink = join(media.path, "tv", "Show", "Season 01", "Show - S01E01.mkv");
      mkdirSync(dirname(libraryLink), { recursive: true });
      symlinkSync(readlinkSync(grabLink), libraryLink);

      // The torrent dies; the provider will re-add it under another name.
      expect((await runSync(s.p.deps, "full")).status).toBe("succeeded");
      const old = s.p.fake.state.byHash(hash);
      if (!old) throw new Error("the fake lost the torrent");
      old.status = "dead";
      s.p.fake.state.catalog.set(hash, { name: "Show.S01.1080p.PROPER", files });
      await scanForRepair(s.p.deps, "quick");
      const run = await runRepair(s.p.deps, { trigger: "cli" });
      expect(run.counts.repaired).toBe(1);

      const newTarget = join(s.mountDir, "__all__", "Show.S01.1080p.PROPER", "Show.S01E01.mkv");
      await waitFor(() => readlinkSync(libraryLink) === newTarget && readlinkSync(grabLink) === newTarget, {
        timeoutMs: 30_000,
        what: "both links rewritten by the running server",
      });
      const readded = s.p.fake.state.byHash(hash);
      const file = readded?.files.find((f) => f.path === "/Show.S01E01.mkv");
      if (!readded || readded.id === old.id || !file) throw new Error("the fake did not re-add the torrent");
      expect(await sha256(libraryLink)).toBe(contentSha256(file.key, file.bytes));
      expect(readlinkSync(join(grabbed.content_path, "Show.S01E02.mkv"))).toBe(
        join(s.mountDir, "__all__", "Show.S01.1080p.PROPER", "Show.S01E02.mkv"),
      );
      await waitFor(() => sonarr.commands.length > 0, { what: "the rescan" });
      expect(sonarr.commands.map((c) => c.body)).toEqual([{ name: "RescanSeries", seriesId: 3 }]);
      // The grab is still complete for Sonarr, at the same content path.
      expect(await qbitInfo(s.arr, hash)).toMatchObject({
        state: "pausedUP",
        content_path: grabbed.content_path,
      });
    },
    { timeout: 90_000 },
  );
});
