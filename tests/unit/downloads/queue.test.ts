import { describe, expect, test } from "bun:test";
import {
  admits,
  DownloadQueue,
  HDD_BUDGET,
  type QueueRules,
  weightOf,
} from "../../../src/downloader/queue.ts";
import { waitFor } from "../../helpers/downloads.ts";

const GB = 1024 ** 3;
const hdd: QueueRules = {
  storage: "hdd",
  smallFileThreshold: 5 * GB,
  largeFileThreshold: 20 * GB,
  maxConcurrent: 6,
};
const ssd: QueueRules = { ...hdd, storage: "ssd" };

describe("HDD size table (README: 'The size-aware queue')", () => {
  test.each([
    [[], 80 * GB, true, "a large file starts on an idle disk"],
    [[80 * GB], 1 * GB, false, "nothing joins a large file"],
    [[1 * GB], 20 * GB, false, "a large file waits for small ones to finish"],
    [[1 * GB, 2 * GB], 3 * GB, true, "three small files at once"],
    [[1 * GB, 2 * GB, 3 * GB], 1 * GB, false, "not four"],
    [[8 * GB], 10 * GB, true, "two medium files at once"],
    [[8 * GB, 10 * GB], 1 * GB, false, "not two medium plus a small"],
    [[8 * GB], 1 * GB, true, "one medium plus one small"],
    [[8 * GB, 1 * GB], 1 * GB, false, "one medium plus two small is too much"],
    [[1 * GB, 1 * GB], 8 * GB, false, "two small leave no room for a medium"],
    [[19.9 * GB], 4.9 * GB, true, "19.9 GB is medium, 4.9 GB small"],
  ] as const)("%p + %p → %p (%s)", (running, size, expected) => {
    expect(admits([...running], size, hdd)).toBe(expected);
  });

  test("thresholds: < small weighs 2, small..large 3, ≥ large the whole budget", () => {
    expect(weightOf(5 * GB - 1, hdd)).toBe(2);
    expect(weightOf(5 * GB, hdd)).toBe(3);
    expect(weightOf(20 * GB - 1, hdd)).toBe(3);
    expect(weightOf(20 * GB, hdd)).toBe(HDD_BUDGET);
  });

  test("SSD: any sizes together up to MAX_CONCURRENT_DOWNLOADS", () => {
    expect(admits([80 * GB, 80 * GB, 1 * GB, 1 * GB, 30 * GB], 50 * GB, ssd)).toBe(true);
    expect(admits([1, 1, 1, 1, 1, 1], 1, ssd)).toBe(false);
    expect(admits([1 * GB, 1 * GB], 1 * GB, { ...hdd, maxConcurrent: 2 })).toBe(false);
  });
});

function item(
  id: string,
  size: number,
  started: string[],
  options: { priority?: number; space?: () => boolean } = {},
) {
  return {
    id,
    size,
    priority: options.priority ?? 0,
    hasSpace: async () => options.space?.() ?? true,
    start: async () => {
      started.push(id);
      return true;
    },
  };
}

describe("DownloadQueue", () => {
  test("starts in priority order and holds the head until the budget admits it", async () => {
    const q = new DownloadQueue(hdd, { spaceRetryMs: 10 });
    const started: string[] = [];
    q.enqueue(item("big", 30 * GB, started, { priority: 5 }));
    await waitFor(() => started.includes("big"));
    q.enqueue(item("low", 1 * GB, started, { priority: 1 }));
    q.enqueue(item("high", 1 * GB, started, { priority: 9 }));
    q.enqueue(item("mid", 1 * GB, started, { priority: 4 }));
    await Bun.sleep(30);
    expect(started).toEqual(["big"]);
    q.release("big");
    await waitFor(() => started.length === 4);
    expect(started).toEqual(["big", "high", "mid", "low"]);
    expect(q.snapshot().used).toBe(6);
  });

  test("a large file at the head is not overtaken by small ones arriving later", async () => {
    const q = new DownloadQueue(hdd, { spaceRetryMs: 10 });
    const started: string[] = [];
    q.enqueue(item("s1", 1 * GB, started));
    await waitFor(() => started.length === 1);
    q.enqueue(item("large", 40 * GB, started));
    q.enqueue(item("s2", 1 * GB, started));
    await Bun.sleep(30);
    expect(started).toEqual(["s1"]);
    q.release("s1");
    await waitFor(() => started.length === 2);
    expect(started).toEqual(["s1", "large"]);
    q.release("large");
    await waitFor(() => started.length === 3);
  });

  test("no free space: the head waits with a reason, then starts when space is back", async () => {
    let free = false;
    const q = new DownloadQueue(ssd, { spaceRetryMs: 5 });
    const started: string[] = [];
    q.enqueue(item("f", 1 * GB, started, { space: () => free }));
    await waitFor(() => q.snapshot().held !== null);
    expect(started).toEqual([]);
    free = true;
    await waitFor(() => started.length === 1);
    expect(q.snapshot().held).toBeNull();
  });

  test("cancel removes a waiting item; attach takes a slot for a running download", async () => {
    const q = new DownloadQueue(hdd, { spaceRetryMs: 10 });
    const started: string[] = [];
    q.attach("running", 30 * GB);
    q.enqueue(item("waiting", 1 * GB, started));
    expect(q.has("waiting")).toBe(true);
    q.cancel("waiting");
    expect(q.has("waiting")).toBe(false);
    q.release("running");
    await Bun.sleep(20);
    expect(started).toEqual([]);
  });
});
