import { expect, test } from "bun:test";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { type QueueRules, weightOf } from "../../../src/downloader/queue.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";

const MB = 1024 * 1024;

/**
 * The HDD table with real aria2c, thresholds scaled down (small < 2 MB ≤ medium < 4 MB ≤ large):
 * what aria2c actually runs, sampled every 20 ms, never breaks the budget.
 */
test(
  "HDD: a large file downloads alone, small ones three at a time, medium ones two",
  async () => {
    await using p = await startPipeline({
      env: {
        STORAGE_TYPE: "hdd",
        SMALL_FILE_THRESHOLD: "2MB",
        LARGE_FILE_THRESHOLD: "4MB",
        ARIA2_FILE_ALLOCATION: "none",
      },
      fake: { downloadBytesPerSecond: 2 * MB },
    });
    const rules: QueueRules = {
      storage: "hdd",
      smallFileThreshold: 2 * MB,
      largeFileThreshold: 4 * MB,
      maxConcurrent: 6,
    };
    const specs = [
      ["Large", 5 * MB],
      ["Small.1", 1.5 * MB],
      ["Small.2", 1.5 * MB],
      ["Small.3", 1.5 * MB],
      ["Small.4", 1.5 * MB],
      ["Medium.1", 3 * MB],
      ["Medium.2", 3 * MB],
    ] as const;
    const hashes: string[] = [];
    for (const [name, bytes] of specs) {
      const { hash, magnet } = p.magnet(name, [{ path: `/${name}.mkv`, bytes }]);
      hashes.push(hash);
      // One at a time, in this order: the queue order is the order of arrival.
      await addTorrents(p.deps, { urls: [magnet], files: [] });
    }
    const seen: number[][] = [];
    let done = false;
    const sampling = (async () => {
      while (!done) {
        const active = await p.runtime.engine.aria2.tellActive().catch(() => []);
        if (active.length > 0) seen.push(active.map((s) => Number(s.totalLength)));
        await Bun.sleep(20);
      }
    })();
    await waitFor(() => hashes.every((h) => getTorrent(p.deps.dbh.db, h)?.stage === "done"), {
      timeoutMs: 40_000,
      what: "every download done",
    });
    done = true;
    await sampling;

    for (const sizes of seen) {
      const weights = sizes.reduce((sum, s) => sum + weightOf(s, rules), 0);
      expect({ sizes, withinBudget: weights <= 6 && sizes.length <= 3 }).toEqual({
        sizes,
        withinBudget: true,
      });
      if (sizes.includes(5 * MB)) expect(sizes).toEqual([5 * MB]);
    }
    const key = (sizes: number[]) => [...sizes].sort((a, b) => a - b).join(",");
    const shapes = new Set(seen.map(key));
    expect(shapes.has(key([5 * MB]))).toBe(true);
    expect(shapes.has(key([1.5 * MB, 1.5 * MB, 1.5 * MB]))).toBe(true);
    expect(shapes.has(key([3 * MB, 3 * MB]))).toBe(true);
  },
  { timeout: 60_000 },
);
