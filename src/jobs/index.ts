import type { Deps } from "../deps.ts";
import { releaseServerLock, writeServerLock } from "../lib/server-lock.ts";
import { onRegistry, startCounting, startMetricsSampler } from "../services/metrics/index.ts";
import type { JobRunner } from "./runner.ts";

export { JobRunner } from "./runner.ts";

export interface RunningJobs {
  runner: JobRunner;
  stop(): Promise<void>;
}

/**
 * The server's job side (the runner itself is `deps.jobs`, built by createDeps; without this it
 * runs on demand only, which is what the CLI wants): marks it running (DATA_DIR/redriva.pid, which `restore` checks), arms
 * every schedule, records crashed runs as interrupted and resumes syncs, samples metrics.
 * `stop()` disarms, lets running jobs checkpoint (a few seconds at most) and releases the lock.
 */
export async function startJobs(deps: Deps): Promise<RunningJobs> {
  writeServerLock(deps.config.dataDir, deps.clock.now());
  const runner = deps.jobs;
  startCounting(deps);
  const stopSampler = startMetricsSampler(deps);
  registerNextRunGauge(deps, runner);
  const { interrupted, resumed } = runner.start();
  deps.log.info(
    {
      scheduled: runner
        .list()
        .map((d) => d.name)
        .filter((n) => runner.nextRun(n)),
      interrupted,
      resumed,
    },
    "jobs started",
  );
  let stopped: Promise<void> | null = null;
  return {
    runner,
    stop() {
      stopped ??= (async () => {
        await runner.stop();
        stopSampler();
        releaseServerLock(deps.config.dataDir);
      })();
      return stopped;
    },
  };
}

function registerNextRunGauge(deps: Deps, runner: JobRunner): void {
  onRegistry(deps, (registry) => {
    const { Gauge } = require("prom-client") as typeof import("prom-client");
    registry.removeSingleMetric("redriva_job_next_run_timestamp_seconds");
    new Gauge({
      name: "redriva_job_next_run_timestamp_seconds",
      help: "Next scheduled run of each job (Unix time); absent when not scheduled",
      labelNames: ["job"],
      registers: [registry],
      collect() {
        this.reset();
        for (const def of runner.list()) {
          const next = runner.nextRun(def.name);
          if (next) this.set({ job: def.name }, next.getTime() / 1000);
        }
      },
    });
  });
}
