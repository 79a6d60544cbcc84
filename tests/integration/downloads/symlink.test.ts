import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { showNow } from "../../../src/fake-debrid/mount.ts";
import { waitFor } from "../../helpers/downloads.ts";
import type { ArrQbitClient } from "../../helpers/qbit-client.ts";
import { qbitInfo, startSymlinkPipeline } from "../../helpers/symlink-pipeline.ts";

/** Loopback only, but a loaded 2-core machine: generous bounds, conditions awaited. */
const SLOW_TEST = { timeout: 30_000 };

async function sha256(path: string): Promise<string> {
  return new Bun.CryptoHasher("sha256").update(await Bun.file(path).arrayBuffer()).digest("hex");
}

async function grab(arr: ArrQbitClient, magnet: string, category: string): Promise<void> {
  const answer = await arr.call("POST", "torrents/add", {
    form: { urls: magnet, category, paused: "False" },
  });
  expect(await answer.text()).toBe("Ok.");
}

async function completed(arr: ArrQbitClient, hash: string) {
  return waitFor(
    async () => {
      const t = await qbitInfo(arr, hash);
      return t?.state === "pausedUP" ? t : null;
    },
    { timeoutMs: 20_000, what: `${hash} pausedUP` },
  );
}

/** A symlink whose target is inside the mount and whose bytes are the fake's. */
async function expectLinkInto(link: string, mountDir: string, key: string, size: number) {
  expect(lstatSync(link).isSymbolicLink()).toBe(true);
  expect(realpathSync(link).startsWith(`${realpathSync(mountDir)}/`)).toBe(true);
  expect(await sha256(link)).toBe(contentSha256(key, size));
}

describe("symlink mode: a Sonarr grab ends linked from the mount", () => {
  test(
    "single file, rclone on Real-Debrid's WebDAV, mount refreshing after a delay",
    async () => {
      await using s = await startSymlinkPipeline({ layout: "rclone-realdebrid", delayMs: 300 });
      const size = 300_017;
      const { hash, magnet } = s.p.magnet("Show.S01E01.1080p.WEB", [
        { path: "/Show.S01E01.1080p.WEB.mkv", bytes: size },
      ]);
      await grab(s.arr, magnet, "tv-sonarr");
      const done = await completed(s.arr, hash);
      const expected = join(s.p.downloadDir, "tv-sonarr", "Show.S01E01.1080p.WEB.mkv");
      expect(done).toMatchObject({ content_path: expected, progress: 1, amount_left: 0, size });
      await expectLinkInto(expected, s.mountDir, `${hash}:1`, size);
      expect(readlinkSync(expected)).toBe(
        join(s.mountDir, "torrents", "Show.S01E01.1080p.WEB", "Show.S01E01.1080p.WEB.mkv"),
      );
      // Nothing else in the category folder: no staging leftovers, no downloaded copy.
      expect(readdirSync(join(s.p.downloadDir, "tv-sonarr"))).toEqual(["Show.S01E01.1080p.WEB.mkv"]);
    },
    SLOW_TEST,
  );

  test(
    "season pack in zurg's __all__: one link per selected file under DOWNLOAD_DIR/<category>/<name>/",
    async () => {
      await using s = await startSymlinkPipeline({ layout: "zurg", delayMs: 100 });
      const { hash, magnet } = s.p.magnet("Show.S02.1080p", [
        { path: "/Show.S02E01.mkv", bytes: 200_000 },
        { path: "/Subs/Show.S02E01.en.srt", bytes: 1_000 },
        { path: "/Show.S02E02.mkv", bytes: 250_000 },
        { path: "/Show.S02.nfo", bytes: 900 },
      ]);
      await grab(s.arr, magnet, "tv-sonarr");
      const done = await completed(s.arr, hash);
      const folder = join(s.p.downloadDir, "tv-sonarr", "Show.S02.1080p");
      expect(done.content_path).toBe(folder);
      expect(done.size).toBe(451_000);
      expect(readdirSync(folder).sort()).toEqual(["Show.S02E01.mkv", "Show.S02E02.mkv", "Subs"]);
      await expectLinkInto(join(folder, "Show.S02E01.mkv"), s.mountDir, `${hash}:1`, 200_000);
      await expectLinkInto(join(folder, "Subs", "Show.S02E01.en.srt"), s.mountDir, `${hash}:2`, 1_000);
      await expectLinkInto(join(folder, "Show.S02E02.mkv"), s.mountDir, `${hash}:3`, 250_000);
      expect(readlinkSync(join(folder, "Show.S02E02.mkv"))).toBe(
        join(s.mountDir, "__all__", "Show.S02.1080p", "Show.S02E02.mkv"),
      );
    },
    SLOW_TEST,
  );

  test(
    "paths that repeat the torrent's folder, shown only in zurg's category folder",
    async () => {
      await using s = await startSymlinkPipeline({ layout: "zurg-shows" });
      const { hash, magnet } = s.p.magnet("Pack.S03", [
        { path: "/Pack.S03/Pack.S03E01.mkv", bytes: 120_000 },
        { path: "/Pack.S03/Pack.S03E02.mkv", bytes: 130_000 },
      ]);
      await grab(s.arr, magnet, "tv-sonarr");
      const done = await completed(s.arr, hash);
      expect(done.content_path).toBe(join(s.p.downloadDir, "tv-sonarr", "Pack.S03"));
      await expectLinkInto(join(done.content_path, "Pack.S03E02.mkv"), s.mountDir, `${hash}:2`, 130_000);
      expect(realpathSync(join(done.content_path, "Pack.S03E01.mkv"))).toBe(
        realpathSync(join(s.mountDir, "shows", "Pack.S03", "Pack.S03", "Pack.S03E01.mkv")),
      );
    },
    SLOW_TEST,
  );

  test(
    "AllDebrid with its own mount (SYMLINK_MOUNT_PATHS), rclone on its WebDAV",
    async () => {
      await using s = await startSymlinkPipeline({
        layout: "rclone-alldebrid",
        allDebrid: true,
        noRealDebrid: true,
        env: (mountDir) => ({
          SYMLINK_MOUNT_PATH: "/nonexistent",
          SYMLINK_MOUNT_PATHS: `alldebrid=${mountDir}`,
        }),
      });
      const { hash, magnet } = s.p.magnet("Film.2021.2160p", [
        { path: "/Film.2021.2160p.mkv", bytes: 64_000 },
      ]);
      await grab(s.arr, magnet, "radarr");
      const done = await completed(s.arr, hash);
      await expectLinkInto(done.content_path, s.mountDir, `${hash}:1`, 64_000);
    },
    SLOW_TEST,
  );
});

describe("symlink mode: waiting on the mount is honest and costs no provider request", () => {
  test(
    "files that show late: checkingDL with a message while waiting, no API call, then done",
    async () => {
      const never = new Set<string>();
      // 20 s: looks every 0.5, 1, 2, 2.5 s (the backoff scales with the timeout).
      await using s = await startSymlinkPipeline({
        layout: "zurg",
        never,
        env: () => ({ SYMLINK_MOUNT_TIMEOUT: "20s" }),
      });
      const { hash, magnet } = s.p.magnet("Late.Movie.2022", [
        { path: "/Late.Movie.2022.mkv", bytes: 50_000 },
      ]);
      never.add(hash);
      await grab(s.arr, magnet, "radarr");
      const waiting = await waitFor(async () => {
        const t = await qbitInfo(s.arr, hash);
        return t?.state === "checkingDL" ? t : null;
      });
      expect(waiting.progress).toBeLessThan(1);
      const requestsWhenReady = s.p.fake.stats.requests;
      // Several looks at the mount (the message counts the wait), and not one request meanwhile.
      const row = () =>
        s.p.deps.dbh.sqlite.query("select message from download_torrents where hash = ?").get(hash) as {
          message: string | null;
        };
      await waitFor(() => (s.p.deps.downloads.mountWaits.get(hash)?.looks ?? 0) >= 3);
      expect(row().message).toContain(`waiting for the files in the mount ${s.mountDir} (0/1 there`);
      expect(s.p.fake.stats.requests).toBe(requestsWhenReady);
      const torrent = s.p.fake.state.byHash(hash);
      if (!torrent) throw new Error("the fake lost the torrent");
      showNow(s.mount, torrent);
      const done = await completed(s.arr, hash);
      await expectLinkInto(done.content_path, s.mountDir, `${hash}:1`, 50_000);
      expect(s.p.fake.stats.requests).toBe(requestsWhenReady);
      expect(s.p.deps.downloads.mountWaits.has(hash)).toBe(false);
    },
    SLOW_TEST,
  );

  test(
    "files that never show: error after SYMLINK_MOUNT_TIMEOUT naming the folders looked in, no link",
    async () => {
      const never = new Set<string>();
      await using s = await startSymlinkPipeline({
        layout: "zurg",
        never,
        env: () => ({ SYMLINK_MOUNT_TIMEOUT: "1500ms" }),
      });
      const { hash, magnet } = s.p.magnet("Never.Shows", [{ path: "/Never.Shows.mkv", bytes: 10_000 }]);
      never.add(hash);
      await grab(s.arr, magnet, "tv-sonarr");
      const failed = await waitFor(async () => {
        const t = await qbitInfo(s.arr, hash);
        return t?.state === "error" ? t : null;
      });
      expect(failed.progress).toBeLessThan(1);
      const row = s.p.deps.dbh.sqlite
        .query("select error from download_torrents where hash = ?")
        .get(hash) as {
        error: string;
      };
      expect(row.error).toContain(
        "did not appear in the mount within 1.5 s (SYMLINK_MOUNT_TIMEOUT): 0/1 found",
      );
      expect(row.error).toContain(`looked for "Never.Shows.mkv" in ${s.mountDir}`);
      expect(existsSync(join(s.p.downloadDir, "tv-sonarr", "Never.Shows.mkv"))).toBe(false);
      const leftovers = existsSync(join(s.p.downloadDir, "tv-sonarr"))
        ? readdirSync(join(s.p.downloadDir, "tv-sonarr"))
        : [];
      expect(leftovers).toEqual([]);
    },
    SLOW_TEST,
  );
});

describe("symlink mode: delete, per-category modes, Docker path mapping", () => {
  test(
    "delete with deleteFiles=true removes the links, never the files in the mount",
    async () => {
      await using s = await startSymlinkPipeline({ layout: "zurg" });
      const { hash, magnet } = s.p.magnet("Gone.S01", [
        { path: "/Gone.S01E01.mkv", bytes: 20_000 },
        { path: "/Gone.S01E02.mkv", bytes: 20_000 },
      ]);
      await grab(s.arr, magnet, "tv-sonarr");
      const done = await completed(s.arr, hash);
      const targets = readdirSync(done.content_path).map((f) => realpathSync(join(done.content_path, f)));
      expect(targets).toHaveLength(2);
      await s.arr.call("POST", "torrents/delete", { form: { hashes: hash, deleteFiles: "true" } });
      await waitFor(
        () => s.p.deps.dbh.sqlite.query("select 1 from download_torrents where hash = ?").get(hash) === null,
      );
      expect(existsSync(done.content_path)).toBe(false);
      for (const target of targets) expect(existsSync(target)).toBe(true);
      // DOWNLOAD_DELETE_AT_PROVIDER defaults to never: the debrid library keeps it.
      expect(s.p.fake.state.byHash(hash)).toBeDefined();
    },
    SLOW_TEST,
  );

  test(
    "DOWNLOAD_CATEGORY_MODES: one category linked, another downloaded by aria2c",
    async () => {
      await using s = await startSymlinkPipeline({
        layout: "rclone-realdebrid",
        env: () => ({ DOWNLOAD_MODE: "download", DOWNLOAD_CATEGORY_MODES: "tv-sonarr=symlink" }),
      });
      const linked = s.p.magnet("Linked.S01E01", [{ path: "/Linked.S01E01.mkv", bytes: 40_000 }]);
      const fetched = s.p.magnet("Fetched.2020", [{ path: "/Fetched.2020.mkv", bytes: 40_000 }]);
      await grab(s.arr, linked.magnet, "tv-sonarr");
      await grab(s.arr, fetched.magnet, "radarr");
      const a = await completed(s.arr, linked.hash);
      const b = await completed(s.arr, fetched.hash);
      await expectLinkInto(a.content_path, s.mountDir, `${linked.hash}:1`, 40_000);
      expect(lstatSync(b.content_path).isSymbolicLink()).toBe(false);
      expect(await sha256(b.content_path)).toBe(contentSha256(`${fetched.hash}:1`, 40_000));
    },
    SLOW_TEST,
  );

  test(
    "SYMLINK_PATH_MAPPINGS: links hold the path the *arr sees, the target is checked under Redriva's",
    async () => {
      await using s = await startSymlinkPipeline({
        layout: "zurg",
        env: (mountDir) => ({ SYMLINK_PATH_MAPPINGS: `${mountDir}=/data/debrid` }),
      });
      const { hash, magnet } = s.p.magnet("Mapped.Movie", [{ path: "/Mapped.Movie.mkv", bytes: 8_000 }]);
      await grab(s.arr, magnet, "radarr");
      const done = await completed(s.arr, hash);
      expect(readlinkSync(done.content_path)).toBe("/data/debrid/__all__/Mapped.Movie/Mapped.Movie.mkv");
    },
    SLOW_TEST,
  );
});
