import { expect, test } from "bun:test";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { diskSpace } from "../../../src/downloader/storage.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { createApp } from "../../../src/http/app.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";

const MB = 1024 * 1024;

/**
 * The disk fills up (simulated: the real statfs minus `filled` bytes, against the real
 * DOWNLOAD_MIN_FREE_SPACE threshold): downloads pause with a clear message, then resume.
 */
test(
  "disk nearly full: running and new downloads pause with a message, then resume when space is back",
  async () => {
    let filled = 0;
    await using p = await startPipeline({
      env: { DOWNLOAD_MIN_FREE_SPACE: "64MB" },
      fake: { downloadBytesPerSecond: 3 * MB },
      downloads: {
        space: async (dir) => {
          const real = await diskSpace(dir);
          return { free: Math.max(0, real.free - filled), total: real.total };
        },
      },
    });
    const app = createApp(p.deps);
    const state = async (hash: string) => {
      const res = await app.request(`/api/v2/torrents/info?hashes=${hash}`);
      return ((await res.json()) as Array<{ state: string }>)[0]?.state;
    };
    const size = 8 * MB;
    const running = p.magnet("Running.When.Full", [{ path: "/Running.mkv", bytes: size }]);
    await addTorrents(p.deps, { urls: [running.magnet], files: [] });
    await waitFor(() => (getTorrent(p.deps.dbh.db, running.hash)?.downloaded ?? 0) > MB, {
      what: "1 MB on disk",
    });

    // Something else fills the disk: only 10 MB left, under the 64 MB reserve.
    filled = (await diskSpace(p.downloadDir)).free - 10 * MB;
    await waitFor(async () => (await state(running.hash)) === "pausedDL", { what: "paused for space" });
    expect(await p.runtime.engine.aria2.tellActive()).toEqual([]);
    expect(getTorrent(p.deps.dbh.db, running.hash)?.message).toContain("disk");

    const next = p.magnet("Added.When.Full", [{ path: "/Added.mkv", bytes: 2 * MB }]);
    await addTorrents(p.deps, { urls: [next.magnet], files: [] });
    await waitFor(() => getTorrent(p.deps.dbh.db, next.hash)?.stage === "waiting", { what: "provider done" });
    await p.runtime.tick();
    await waitFor(() =>
      (getTorrent(p.deps.dbh.db, running.hash)?.message ?? "").includes("Waiting for disk space"),
    );
    expect(getTorrent(p.deps.dbh.db, next.hash)?.downloaded).toBe(0);

    // Space is back.
    filled = 0;
    const done = await waitFor(
      () => {
        const a = getTorrent(p.deps.dbh.db, running.hash);
        const b = getTorrent(p.deps.dbh.db, next.hash);
        return a?.stage === "done" && b?.stage === "done" ? [a, b] : null;
      },
      { timeoutMs: 30_000 },
    );
    expect(done[0]?.message).toBeNull();
    const bytes = await Bun.file(done[0]?.content_path as string).arrayBuffer();
    expect(new Bun.CryptoHasher("sha256").update(bytes).digest("hex")).toBe(
      contentSha256(`${running.hash}:1`, size),
    );
  },
  { timeout: 60_000 },
);
