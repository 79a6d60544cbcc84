import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { waitFor } from "../../helpers/downloads.ts";
import type { ArrQbitClient } from "../../helpers/qbit-client.ts";
import { qbitInfo } from "../../helpers/symlink-pipeline.ts";
import { startTwoDiskPipeline } from "../../helpers/two-disks.ts";

const MB = 1024 * 1024;
// Loopback only, but a 2-core machine shared by several test runs: generous bounds, conditions awaited.
const LONG = { timeout: 120_000 };

async function sha256(path: string): Promise<string> {
  return new Bun.CryptoHasher("sha256").update(await Bun.file(path).arrayBuffer()).digest("hex");
}

async function grab(arr: ArrQbitClient, magnet: string): Promise<void> {
  const answer = await arr.call("POST", "torrents/add", { form: { urls: magnet, category: "tv-sonarr" } });
  expect(await answer.text()).toBe("Ok.");
}

async function settled(arr: ArrQbitClient, hash: string) {
  return waitFor(
    async () => {
      const t = await qbitInfo(arr, hash);
      return t?.state === "pausedUP" || t?.state === "error" ? t : null;
    },
    { timeoutMs: 90_000, what: `${hash} settled` },
  );
}

describe("SSD staging: the move onto the final disk", () => {
  test(
    "a grab downloaded on the staging disk is copied onto the final one: `moving` with progress on /downloads, then pausedUP with the verified bytes",
    async () => {
      // Slow enough to be watched while it copies.
      await using s = await startTwoDiskPipeline({ env: { DOWNLOAD_MOVE_SPEED_LIMIT: "4MB" } });
      const size = 12 * MB + 17;
      const { hash, magnet } = s.p.magnet("Staged.Show.S01E01", [
        { path: "/Staged.Show.S01E01.mkv", bytes: size },
      ]);
      await grab(s.arr, magnet);
      const moving = await waitFor(
        async () => {
          const t = await qbitInfo(s.arr, hash);
          const html = await s.page("/downloads");
          return t?.state === "moving" && /copying to the final disk \(hdd\): [\d.]+ [KM]B of 12/.test(html)
            ? html
            : null;
        },
        { timeoutMs: 60_000, what: "moving, with the copy's progress on /downloads" },
      );
      expect(moving).toContain("moving");
      // Nothing at the final name while it copies: the *arr never sees half a file.
      const finalPath = join(s.hdd, "tv-sonarr", "Staged.Show.S01E01.mkv");
      expect(existsSync(finalPath)).toBe(false);
      const done = await settled(s.arr, hash);
      expect(done.state).toBe("pausedUP");
      expect(done.content_path).toBe(finalPath);
      expect(await sha256(finalPath)).toBe(contentSha256(`${hash}:1`, size));
      // Nothing left behind: not on the staging disk, no hidden copy folder on the final one.
      expect(readdirSync(s.ssd)).toEqual([]);
      expect(readdirSync(join(s.hdd, "tv-sonarr"))).toEqual(["Staged.Show.S01E01.mkv"]);
    },
    LONG,
  );

  test(
    "a season pack keeps its tree; two finished torrents never copy onto one hard disk at once",
    async () => {
      await using s = await startTwoDiskPipeline({ env: { DOWNLOAD_MOVE_SPEED_LIMIT: "1MB" } });
      const a = s.p.magnet("Pack.A.S01", [
        { path: "/Pack.A.S01/E01.mkv", bytes: 4 * MB },
        { path: "/Pack.A.S01/Subs/E01.srt", bytes: 1_000 },
        { path: "/Pack.A.S01/E02.mkv", bytes: 4 * MB + 3 },
      ]);
      const b = s.p.magnet("Film.B", [{ path: "/Film.B.mkv", bytes: 8 * MB }]);
      let most = 0;
      let queuedSeen = false;
      const sampler = setInterval(async () => {
        most = Math.max(most, s.p.runtime.engine.staging.slots.runningOn("final-disk"));
        const html = await s.page("/downloads").catch(() => "");
        if (html.includes("waiting for the final disk: another copy is writing to it")) queuedSeen = true;
      }, 20);
      try {
        await grab(s.arr, a.magnet);
        await grab(s.arr, b.magnet);
        const [doneA, doneB] = [await settled(s.arr, a.hash), await settled(s.arr, b.hash)];
        expect([doneA.state, doneB.state]).toEqual(["pausedUP", "pausedUP"]);
        const folder = join(s.hdd, "tv-sonarr", "Pack.A.S01");
        expect(doneA.content_path).toBe(folder);
        expect(await sha256(join(folder, "E02.mkv"))).toBe(contentSha256(`${a.hash}:3`, 4 * MB + 3));
        expect(await sha256(join(folder, "Subs", "E01.srt"))).toBe(contentSha256(`${a.hash}:2`, 1_000));
        expect(await sha256(doneB.content_path)).toBe(contentSha256(`${b.hash}:1`, 8 * MB));
      } finally {
        clearInterval(sampler);
      }
      expect(most).toBe(1);
      expect(queuedSeen).toBe(true);
    },
    LONG,
  );

  test(
    "no room on the final disk: the torrent waits saying so, and goes on once there is room",
    async () => {
      let roomMade = false;
      let hash = "";
      await using s = await startTwoDiskPipeline({
        // Room when the download starts; filled by something else by the time it is moved.
        finalDiskSpace: () => {
          const moving = getTorrent(s.p.deps.dbh.db, hash)?.stage === "moving";
          return { free: moving && !roomMade ? MB : 50 * 1024 * MB, total: 100 * 1024 * MB };
        },
      });
      const size = 3 * MB;
      const added = s.p.magnet("Roomless", [{ path: "/Roomless.mkv", bytes: size }]);
      hash = added.hash;
      const { magnet } = added;
      await grab(s.arr, magnet);
      await waitFor(
        async () => {
          const t = await qbitInfo(s.arr, hash);
          const html = await s.page("/downloads");
          return t?.state === "moving" && html.includes("waiting for space on the final disk: 1.0 MB free")
            ? t
            : null;
        },
        { timeoutMs: 60_000, what: "waiting for space, said on /downloads" },
      );
      roomMade = true;
      const done = await settled(s.arr, hash);
      expect(done.state).toBe("pausedUP");
      expect(await sha256(done.content_path)).toBe(contentSha256(`${hash}:1`, size));
    },
    LONG,
  );

  test(
    "the final disk is checked before the download starts: it waits without a byte written, then goes on",
    async () => {
      let free = MB;
      await using s = await startTwoDiskPipeline({
        finalDiskSpace: () => ({ free, total: 100 * 1024 * MB }),
      });
      const size = 3 * MB;
      const { hash, magnet } = s.p.magnet("Checked.First", [{ path: "/Checked.First.mkv", bytes: size }]);
      await grab(s.arr, magnet);
      const held = await waitFor(
        async () => {
          const t = await qbitInfo(s.arr, hash);
          const html = await s.page("/downloads");
          return html.includes("Waiting for disk space on the final disk: 1.0 MB free") ? t : null;
        },
        { timeoutMs: 60_000, what: "held for the final disk, said on /downloads" },
      );
      expect(held?.state).toBe("pausedDL");
      expect(getTorrent(s.p.deps.dbh.db, hash)?.downloaded).toBe(0);
      free = 50 * 1024 * MB;
      const done = await settled(s.arr, hash);
      expect(done.state).toBe("pausedUP");
      expect(await sha256(done.content_path)).toBe(contentSha256(`${hash}:1`, size));
    },
    LONG,
  );

  test(
    "a final disk too small to ever hold the torrent: error with the figures, the download kept for a retry",
    async () => {
      let hash = "";
      await using s = await startTwoDiskPipeline({
        // Another disk mounted there by the time it is moved (the check before the download passed).
        finalDiskSpace: () =>
          getTorrent(s.p.deps.dbh.db, hash)?.stage === "moving"
            ? { free: MB, total: 2 * MB }
            : { free: 50 * 1024 * MB, total: 100 * 1024 * MB },
      });
      const added = s.p.magnet("Too.Big", [{ path: "/Too.Big.mkv", bytes: 3 * MB }]);
      hash = added.hash;
      const { magnet } = added;
      await grab(s.arr, magnet);
      const failed = await settled(s.arr, hash);
      expect(failed.state).toBe("error");
      const html = await s.page("/downloads");
      expect(html).toContain("the final disk of");
      expect(html).toContain("is too small: 2.0 MB in all, the copy needs 3.0 MB");
      expect(existsSync(join(s.ssd, hash, "Too.Big.mkv"))).toBe(true);
    },
    LONG,
  );

  test(
    "deleted with its files while it copies: the copy stops, nothing is left on either disk",
    async () => {
      await using s = await startTwoDiskPipeline({ env: { DOWNLOAD_MOVE_SPEED_LIMIT: "2MB" } });
      const { hash, magnet } = s.p.magnet("Gone.Midway", [{ path: "/Gone.Midway.mkv", bytes: 16 * MB }]);
      await grab(s.arr, magnet);
      const partial = join(s.hdd, "tv-sonarr", `.redriva-moving-${hash}`, "Gone.Midway.mkv");
      await waitFor(() => existsSync(partial) && Bun.file(partial).size > 0, {
        timeoutMs: 60_000,
        what: "copy begun",
      });
      const answer = await s.arr.call("POST", "torrents/delete", {
        form: { hashes: hash, deleteFiles: "true" },
      });
      expect(answer.status).toBe(200);
      expect(await qbitInfo(s.arr, hash)).toBeUndefined();
      // The row goes once the downloader has stopped the copy and removed the files.
      await waitFor(() => getTorrent(s.p.deps.dbh.db, hash) === undefined, { what: "torrent forgotten" });
      expect(s.p.deps.downloads.postSteps.has(hash)).toBe(false);
      expect(readdirSync(join(s.hdd, "tv-sonarr"))).toEqual([]);
      expect(existsSync(join(s.ssd, hash))).toBe(false);
    },
    LONG,
  );
});
