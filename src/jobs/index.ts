import type { DbHandle } from "../db/client.ts";
import type { Deps } from "../deps.ts";
import { onRegistry, startCounting, startMetricsSampler } from "../services/metrics/index.ts";
import { BUILTIN_JOBS } from "./definitions/index.ts";
import { JobRunner } from "./runner.ts";
import { releaseServerLock, writeServerLock } from "./server-lock.ts";
import type { JobDefinition } from "./types.ts";

export type { ActiveRun, FinishedRun } from "./runner.ts";
export { JobRunner } from "./runner.ts";
export type { JobContext, JobDefinition, JobOutcome, ReportSection } from "./types.ts";

/** One runner per database (per process in production; per test deps in tests). */
const runners = new WeakMap<DbHandle, JobRunner>();

/**
 * The runner of this process. Pages, the API and the CLI trigger jobs through it; without
 * startJobs() it runs on demand only (no schedules), which is what the CLI wants.
 */
export function getJobRunner(deps: Deps, definitions: readonly JobDefinition[] = BUILTIN_JOBS): JobRunner {
  let runner = runners.get(deps.dbh);
  if (!runner) {
    runner = new JobRunner(deps, [...definitions]);
    runners.set(deps.dbh, runner);
  }
  return runner;
}

export interface RunningJobs {
  runner: JobRunner;
  stop(): Promise<void>;
}

/**
 * The server's job side: marks it running (DATA_DIR/redriva.pid, which `restore` checks), arms
 * every schedule, records crashed runs as interrupted and resumes syncs, samples metrics.
 * `stop()` disarms, lets running jobs checkpoint (a few seconds at most) and releases the lock.
 */
export async function startJobs(
  deps: Deps,
  options: { definitions?: readonly JobDefinition[] } = {},
): Promise<RunningJobs> {
  writeServerLock(deps.config.dataDir, deps.clock.now());
  if (options.definitions) runners.set(deps.dbh, new JobRunner(deps, [...options.definitions]));
  const runner = getJobRunner(deps);
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
