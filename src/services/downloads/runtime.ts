import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { hasUnfinishedTorrents } from "../../db/repo/downloads.ts";
import type { Deps } from "../../deps.ts";
import { Aria2Supervisor } from "../../downloader/aria2/supervisor.ts";
import { buildProfile, globalOptions } from "../../downloader/profile.ts";
import { DownloadQueue } from "../../downloader/queue.ts";
import { type DiskSpace, detectStorage, diskSpace } from "../../downloader/storage.ts";
import { startImportWatch } from "../arr/imports.ts";
import { replaceRound } from "../arr/replace.ts";
import { relinkRound } from "../repair/relink.ts";
import type { DownloadEngine } from "./engine.ts";
import { DOWNLOADS_TOPIC } from "./events.ts";
import { stopPostSteps } from "./post-download/stop.ts";
import { SpeedTracker } from "./progress.ts";
import { providerRound, reconcileTick } from "./reconcile.ts";
import { type DiskProbe, systemDisks } from "./staging/disks.ts";
import { MoveSlots } from "./staging/move-slots.ts";
import { loadPageCacheDropper } from "./staging/page-cache.ts";
import { mountRound } from "./symlink-step.ts";

export interface StartDownloadsOptions {
  /**
   * Free space of a folder. Tests simulate a filling disk through it; everything else uses the
   * real statfs.
   */
  space?: (dir: string) => Promise<DiskSpace>;
  /**
   * Which filesystem and disk type holds a folder (the move onto the final disk). Tests, which
   * have one disk, say two folders are on two; everything else reads st_dev and the
   * rotational flag.
   */
  disks?: DiskProbe;
}

export interface DownloadsRuntime {
  engine: DownloadEngine;
  supervisor: Aria2Supervisor;
  /** Runs one reconcile pass now (tests and benchmarks await progress with it). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

const IDLE_TICK_MS = 1_000;
/**
 * With nothing left to do, the reconciler only wakes as a safety net: every change (add, resume,
 * delete...) publishes on the bus and kicks it at once. Keeps an idle server near zero CPU.
 */
const QUIET_TICK_MS = 30_000;

/**
 * Starts the download pipeline: detects the storage type, starts and supervises aria2c, builds
 * the size-aware queue and runs the reconciler (fast while something downloads, slower when idle)
 * and the provider loop. Wakes up at once when a service publishes a change.
 */
export async function startDownloads(
  deps: Deps,
  options: StartDownloadsOptions = {},
): Promise<DownloadsRuntime> {
  const config = deps.config.downloads;
  const log = deps.log.child({ module: "downloads" });
  mkdirSync(config.dir, { recursive: true });
  mkdirSync(config.incompleteDir, { recursive: true });
  const storage = await detectStorage(config.incompleteDir, config.storageType);
  const profile = buildProfile(storage.type, config);
  log.info(
    { storage: storage.type, how: storage.how, dir: config.dir, profile },
    "download storage detected",
  );

  let engine: DownloadEngine;
  const supervisor = new Aria2Supervisor({
    bin: config.aria2.bin,
    stateDir: join(deps.config.dataDir, "aria2"),
    globalOptions: globalOptions(profile, config.maxConcurrent),
    log,
    onRestart: () => engine.kick(),
    onEvent: () => engine.kick(),
  });
  const queue = new DownloadQueue(
    {
      storage: storage.type,
      smallFileThreshold: config.smallFileThreshold,
      largeFileThreshold: config.largeFileThreshold,
      maxConcurrent: config.maxConcurrent,
    },
    { spaceRetryMs: Math.max(250, Math.min(5_000, config.tickMs * 4)) },
  );

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let busy = false;
  let providerBusy = false;
  let aria2Error: string | null = null;

  engine = {
    aria2: supervisor.rpc,
    aria2Ready: () => supervisor.running,
    queue,
    profile,
    storage,
    space: options.space ?? diskSpace,
    speeds: new SpeedTracker(),
    kick: () => schedule(0),
    staging: {
      disks: options.disks ?? systemDisks(config.staging.moveDisk),
      slots: new MoveSlots(),
      dropCache: loadPageCacheDropper(),
    },
  };

  const runProviders = () => {
    if (providerBusy || stopped) return;
    providerBusy = true;
    providerRound(deps)
      .then((n) => {
        if (n > 0) schedule(0);
      })
      .catch((error) => log.error({ err: error }, "provider round failed"))
      .finally(() => {
        providerBusy = false;
      });
  };

  // Failed grabs replaced through Sonarr/Radarr: their own round, so a slow *arr (or its rate
  // limit) never holds up the provider steps or aria2c.
  let replacing: Promise<void> | null = null;
  let replaceAgain = false;
  const stopReplacing = new AbortController();
  const runReplacements = () => {
    if (stopped) return;
    // A grab that fails while a round runs is looked at by one more round right after.
    if (replacing) {
      replaceAgain = true;
      return;
    }
    replaceAgain = false;
    replacing = replaceRound(deps, stopReplacing.signal)
      .then(() => undefined)
      .catch((error) => {
        if (!stopReplacing.signal.aborted) log.error({ err: error }, "arr replacement round failed");
      })
      .finally(() => {
        replacing = null;
        if (replaceAgain) runReplacements();
      });
  };

  // Symlink mode: looks in the debrid mount (filesystem only) run beside the reconcile tick, so
  // a slow mount never holds up aria2c's progress.
  let mountBusy = false;
  const runMounts = () => {
    if (mountBusy || stopped) return;
    mountBusy = true;
    mountRound(deps)
      .catch((error) => log.error({ err: error }, "mount round failed"))
      .finally(() => {
        mountBusy = false;
      });
  };

  // Repaired torrents whose library links wait for the new files in the mount (filesystem only).
  let relinking: Promise<void> | null = null;
  const runRelinks = () => {
    if (relinking || stopped) return;
    relinking = relinkRound(deps)
      .then(() => undefined)
      .catch((error) => log.error({ err: error }, "relink round failed"))
      .finally(() => {
        relinking = null;
      });
  };

  const tick = async (): Promise<void> => {
    if (deps.dbh.closed) return;
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        runProviders();
        runMounts();
        runRelinks();
        runReplacements();
        const result = await reconcileTick(deps, engine);
        busy = result.busy;
      } catch (error) {
        log.error({ err: error }, "download reconcile failed");
      } finally {
        running = null;
      }
    })();
    await running;
    if (again) {
      again = false;
      await tick();
    }
  };

  let timerAt = 0;
  function schedule(delay: number): void {
    if (stopped) return;
    // A sooner wake-up already set (a kick from the provider round) is never pushed back by the
    // end of a tick choosing its idle delay: the kick would be lost for QUIET_TICK_MS.
    if (timer && timerAt <= Date.now() + delay) return;
    if (timer) clearTimeout(timer);
    timerAt = Date.now() + delay;
    timer = setTimeout(async () => {
      timer = null;
      await tick();
      // Stopped during that tick, or the database closed under a runtime nobody stopped (a test's
      // teardown): nothing more to schedule.
      if (stopped || deps.dbh.closed) return;
      publishStatus();
      schedule(
        busy
          ? config.tickMs
          : hasUnfinishedTorrents(deps.dbh.db) || deps.repairRuns.relinkWaits.size > 0
            ? Math.min(IDLE_TICK_MS, config.providerPollMs)
            : QUIET_TICK_MS,
      );
    }, delay);
  }

  const publishStatus = () => {
    deps.downloads.status = {
      storage,
      profile,
      aria2: {
        running: supervisor.running,
        pid: supervisor.pid,
        restarts: supervisor.restarts,
        error: aria2Error,
      },
      queue: queue.snapshot(),
    };
  };

  try {
    await supervisor.start();
  } catch (error) {
    // Redriva still serves the API and the provider side; the page says what is wrong.
    aria2Error = (error as Error).message;
    log.error({ err: aria2Error }, "aria2c could not start; downloads wait for it");
  }
  publishStatus();

  const unsubscribe = deps.bus.subscribe(DOWNLOADS_TOPIC, (event) => {
    if (event.type === "changed") schedule(0);
  });
  schedule(0);
  // After pausedUP: the *arr's history says when it imported (src/services/arr/imports.ts).
  const imports = startImportWatch(deps);

  return {
    engine,
    supervisor,
    tick,
    async stop() {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      if (running) await running;
      await imports.stop();
      await stopPostSteps(deps);
      stopReplacing.abort();
      if (replacing) await replacing;
      if (relinking) await relinking;
      queue.clear();
      await supervisor.stop();
      deps.downloads.status = null;
    },
  };
}
