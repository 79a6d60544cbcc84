import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DiskSpace } from "../../src/downloader/storage.ts";
import { diskSpace } from "../../src/downloader/storage.ts";
import { createApp } from "../../src/http/app.ts";
import { type Pipeline, startPipeline } from "./downloads.ts";
import { ArrQbitClient } from "./qbit-client.ts";
import { twoDiskProbe } from "./two-disk-probe.ts";

export interface TwoDiskPipeline {
  p: Pipeline;
  ssd: string;
  hdd: string;
  arr: ArrQbitClient;
  /** GET a page of the app (no login configured). */
  page(path: string): Promise<string>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startTwoDiskPipeline(
  options: {
    env?: Record<string, string>;
    hddKind?: "hdd" | "ssd";
    /** Free space of the final disk, when the test plays with it. */
    finalDiskSpace?: () => DiskSpace;
  } = {},
): Promise<TwoDiskPipeline> {
  const base = mkdtempSync(join(tmpdir(), "redriva-2disks-"));
  const ssd = join(base, "ssd");
  const hdd = join(base, "hdd");
  const { finalDiskSpace } = options;
  const p = await startPipeline({
    env: { DOWNLOAD_DIR: hdd, DOWNLOAD_INCOMPLETE_DIR: ssd, ...options.env },
    downloads: {
      disks: twoDiskProbe(ssd, options.hddKind),
      space: async (dir) => (finalDiskSpace && !dir.startsWith(ssd) ? finalDiskSpace() : diskSpace(dir)),
    },
  });
  const app = createApp(p.deps);
  const arr = new ArrQbitClient((r) => app.request(r), "http://localhost:6500", {
    username: "a",
    password: "b",
  });
  return {
    p,
    ssd,
    hdd,
    arr,
    page: async (path) => (await app.request(`http://localhost${path}`)).text(),
    async [Symbol.asyncDispose]() {
      await p[Symbol.asyncDispose]();
      rmSync(base, { recursive: true, force: true });
    },
  };
}
