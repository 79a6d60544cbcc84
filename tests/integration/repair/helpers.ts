import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDeps } from "../../../src/compose.ts";
import { loadConfig } from "../../../src/config/index.ts";
import type { Deps } from "../../../src/deps.ts";
import { type FakeDebridServer, type StartOptions, startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import type { FakeTorrent } from "../../../src/fake-debrid/library.ts";
import type { Clock } from "../../../src/lib/clock.ts";
import { systemClock } from "../../../src/lib/clock.ts";
import { createLogger } from "../../../src/logger.ts";
import { runSync } from "../../../src/services/sync/index.ts";

/**
 * Real time plus an offset the test moves forward: due times and "3 hours later" without
 * waiting, while the rate limiter and timers keep running on real time.
 */
export class ShiftedClock implements Clock {
  offset = 0;
  // Arrow properties: callers may pass `clock.now` around unbound.
  now = (): number => Date.now() + this.offset;
  sleep = (ms: number, signal?: AbortSignal): Promise<void> => systemClock.sleep(ms, signal);
  advance = (ms: number): void => {
    this.offset += ms;
  };
}

export interface RepairEnv {
  fake: FakeDebridServer;
  deps: Deps;
  clock: ShiftedClock;
  dataDir: string;
  env: Record<string, string>;
  /** Opens a second process's worth of deps on the same database (a restart). */
  reopen(): Deps;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A seeded library where every torrent starts downloaded (tests break the ones they need). */
export const ALL_DOWNLOADED: Record<string, number> = {
  downloading: 0,
  queued: 0,
  magnet_conversion: 0,
  waiting_files_selection: 0,
  compressing: 0,
  uploading: 0,
  magnet_error: 0,
  error: 0,
  virus: 0,
  dead: 0,
};

/** Short windows so the client's own 429 pauses (one window) stay short in tests. */
export const FAST_ENV = {
  RD_RATE_LIMIT: "250",
  RD_RATE_WINDOW_MS: "200",
  REPAIR_POLL_INTERVAL_MS: "0",
  REPAIR_WAIT_TIMEOUT_MS: "5000",
  LOG_LEVEL: "silent",
};

export async function startRepairEnv(
  options: { fake?: StartOptions; env?: Record<string, string> } = {},
): Promise<RepairEnv> {
  const fake = await startFakeDebrid({ rateLimit: 10_000, rateWindowMs: 1000, ...options.fake });
  const dataDir = mkdtempSync(join(tmpdir(), "redriva-repair-"));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    RD_API_TOKEN: "fake-token",
    RD_API_URL: fake.rdApiUrl,
    ...FAST_ENV,
    ...options.env,
  };
  const clock = new ShiftedClock();
  const opened: Deps[] = [];
  const open = () => {
    const deps = createDeps(loadConfig(env), {
      clock,
      log: createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    });
    opened.push(deps);
    return deps;
  };
  const deps = open();
  return {
    fake,
    deps,
    clock,
    dataDir,
    env,
    reopen: open,
    async [Symbol.asyncDispose]() {
      for (const d of opened) d.dbh.close();
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Turns fake torrents into the given failed status (they keep their files and selection). */
export function breakTorrents(
  fake: FakeDebridServer,
  status: string,
  count: number,
  skip = 0,
): FakeTorrent[] {
  const chosen = [...fake.state.library.torrents.values()]
    .filter((t) => t.status === "downloaded")
    .slice(skip, skip + count);
  for (const t of chosen) t.status = status;
  return chosen;
}

/** Mirrors the fake library locally with the real sync (list + details). */
export async function syncLibrary(deps: Deps): Promise<void> {
  const result = await runSync(deps, "full");
  if (result.status !== "succeeded") throw new Error(`sync failed: ${result.error}`);
}
