import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { getRun, insertRunningRun, recentRuns } from "../../../src/db/repo/jobs.ts";
import { ConflictError, ValidationError } from "../../../src/errors.ts";
import { startJobs } from "../../../src/jobs/index.ts";
import { JobRunner } from "../../../src/jobs/runner.ts";
import { saveScheduleOverride } from "../../../src/jobs/schedules.ts";
import type { JobDefinition } from "../../../src/jobs/types.ts";
import { PROVIDERS } from "../../../src/providers/list.ts";
import { makeTestDeps, type TestDeps } from "../../helpers/deps.ts";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function deps(env: Record<string, string> = {}, jobs?: JobDefinition[]): TestDeps {
  const d = makeTestDeps(env, PROVIDERS, jobs ? { jobs } : {});
  cleanups.push(() => d[Symbol.dispose]());
  return d;
}

async function until<T>(probe: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}

/** A job that runs until released (or aborted); `release()` waits until it is waiting. */
function gatedJob(name = "gated", extra: Partial<JobDefinition> = {}) {
  let release: (() => void) | null = null;
  const def: JobDefinition = {
    name,
    description: "waits for the test",
    defaultSchedule: "off",
    async run(ctx) {
      ctx.log("waiting");
      await new Promise<void>((resolve, reject) => {
        if (ctx.signal.aborted) return reject(ctx.signal.reason);
        release = () => {
          release = null;
          resolve();
        };
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
      });
      return { counts: { done: 1 } };
    },
    ...extra,
  };
  return {
    def,
    /** Resolves once the job is inside run(), waiting. */
    waiting: () => until(() => release),
    release: async () => {
      const fire = await until(() => release);
      fire();
    },
  };
}

describe("job runner", () => {
  test("a job scheduled every second fires and is recorded with a report", async () => {
    let calls = 0;
    const tick: JobDefinition = {
      name: "tick",
      description: "every second",
      defaultSchedule: "* * * * * *",
      async run(ctx) {
        calls++;
        ctx.log(`tick ${calls}`);
        return { counts: { ticks: calls } };
      },
    };
    const d = deps({}, [tick]);
    const jobs = await startJobs(d);
    cleanups.push(() => jobs.stop());
    expect(jobs.runner.nextRun("tick")).toBeInstanceOf(Date);
    const run = await until(() =>
      recentRuns(d.dbh, { job: "tick" }).find((r) => r.status === "succeeded" && r.report_path),
    );
    expect(run.trigger).toBe("schedule");
    expect(run.finished_at).toBeGreaterThanOrEqual(run.started_at);
    expect(JSON.parse(run.counts).ticks).toBeGreaterThanOrEqual(1);
    expect(getRun(d.dbh.db, run.id)?.log).toContain("tick 1");
    expect(existsSync(join(d.dataDir, "reports", run.report_path as string))).toBe(true);
    expect(readFileSync(join(d.dataDir, "reports", "index.html"), "utf8")).toContain(`#${run.id}`);
  });

  test("a second trigger while the job runs is refused, then allowed once it ended", async () => {
    const d = deps();
    const gate = gatedJob();
    const runner = new JobRunner(d, [gate.def]);
    const first = runner.trigger("gated", "manual");
    expect(() => runner.trigger("gated", "cli")).toThrow(ConflictError);
    expect(() => runner.trigger("gated", "cli")).toThrow(/already running: run #\d+/);
    await gate.release();
    const finished = await first.done;
    expect(finished.status).toBe("succeeded");
    const again = runner.trigger("gated", "manual");
    await gate.release();
    expect((await again.done).status).toBe("succeeded");
    expect(recentRuns(d.dbh, { job: "gated" }).map((r) => r.trigger)).toEqual(["manual", "manual"]);
  });

  test("a run held by another live process is refused; one left by a dead process is interrupted", async () => {
    const d = deps();
    const gate = gatedJob();
    const runner = new JobRunner(d, [gate.def]);
    const other = Bun.spawn(["bun", "-e", "console.log('ready'); setInterval(() => {}, 1e9)"], {
      stdout: "pipe",
    });
    cleanups.push(() => other.kill());
    await other.stdout.getReader().read();
    const foreign = insertRunningRun(d.dbh.db, {
      job: "gated",
      trigger: "cli",
      startedAt: 1,
      pid: other.pid,
    });
    expect(() => runner.trigger("gated", "manual")).toThrow(/another process \(pid \d+\)/);
    other.kill();
    await other.exited;
    const run = runner.trigger("gated", "manual");
    expect(getRun(d.dbh.db, foreign as number)?.status).toBe("interrupted");
    await gate.release();
    expect((await run.done).status).toBe("succeeded");
  });

  test("a throwing job and a job reporting a partial failure are both recorded as failed", async () => {
    const d = deps();
    const runner = new JobRunner(d, [
      {
        name: "boom",
        description: "throws",
        defaultSchedule: "off",
        run: async () => {
          throw new Error("disk on fire");
        },
      },
      {
        name: "half",
        description: "did part of its work",
        defaultSchedule: "off",
        run: async () => ({ status: "failed", counts: { done: 5, missing: 2 } }),
      },
    ]);
    const boom = await runner.trigger("boom", "manual").done;
    expect(boom).toMatchObject({ status: "failed", error: "disk on fire" });
    const half = await runner.trigger("half", "manual").done;
    expect(half.status).toBe("failed");
    expect(getRun(d.dbh.db, half.runId)).toMatchObject({
      status: "failed",
      error: "the job reported a failure",
    });
    expect(JSON.parse(getRun(d.dbh.db, half.runId)?.counts ?? "{}")).toEqual({ done: 5, missing: 2 });
  });

  test("cancel records cancelled; stop records interrupted and the next start resumes", async () => {
    const d = deps();
    let resumed = 0;
    const gate = gatedJob("resumable", {
      resume: async (ctx) => {
        resumed++;
        ctx.log("resumed");
        return {};
      },
    });
    const runner = new JobRunner(d, [gate.def]);
    const cancelled = runner.trigger("resumable", "manual");
    await gate.waiting();
    expect(runner.cancel("resumable")).toBe(true);
    expect((await cancelled.done).status).toBe("cancelled");

    const interrupted = runner.trigger("resumable", "manual");
    await gate.waiting();
    await runner.stop();
    expect((await interrupted.done).status).toBe("interrupted");
    expect(() => runner.trigger("resumable", "manual")).toThrow(/stopping/);

    const next = new JobRunner(d, [gate.def]);
    expect(next.start().resumed).toEqual(["resumable"]);
    await until(() =>
      recentRuns(d.dbh, { job: "resumable" }).find((r) => r.trigger === "resume" && r.status === "succeeded"),
    );
    expect(resumed).toBe(1);
    await next.stop();
  });

  test("jobs of one group never run at the same time", async () => {
    const d = deps();
    const full = gatedJob("full", { group: "sync" });
    const smart = gatedJob("smart", { group: "sync" });
    const other = gatedJob("other");
    const runner = new JobRunner(d, [full.def, smart.def, other.def]);
    const running = runner.trigger("full", "manual");
    expect(() => runner.trigger("smart", "schedule")).toThrow(
      /smart cannot start while full is running \(run #\d+\)/,
    );
    const unrelated = runner.trigger("other", "manual");
    await full.release();
    await other.release();
    expect((await running.done).status).toBe("succeeded");
    expect((await unrelated.done).status).toBe("succeeded");
    const now = runner.trigger("smart", "manual");
    await smart.release();
    expect((await now.done).status).toBe("succeeded");
  });

  test("unknown and unavailable jobs are refused with clear errors", () => {
    const d = deps();
    const runner = d.jobs;
    expect(() => runner.trigger("nope", "manual")).toThrow(/job nope not found/);
    expect(() => runner.trigger("repair-scan", "manual")).toThrow(ValidationError);
    // No Real-Debrid token in this config: the syncs are not available.
    expect(() => runner.trigger("smart-sync", "manual")).toThrow(/RD_API_TOKEN/);
    expect(runner.schedule("smart-sync")).toMatchObject({
      expression: null,
      unavailable: expect.any(String),
    });
  });

  test("schedule: settings override wins over the environment, which wins over the default", async () => {
    const d = deps({ JOB_BACKUP_SCHEDULE: "0 2 * * *", JOB_CLEANUP_SCHEDULE: "off" });
    const runner = d.jobs;
    expect(runner.schedule("backup")).toMatchObject({ expression: "0 2 * * *", source: "env" });
    expect(runner.schedule("cleanup")).toMatchObject({ expression: null, source: "env" });
    expect(runner.schedule("disk-check")).toMatchObject({ expression: "*/15 * * * *", source: "default" });
    saveScheduleOverride(d, "backup", "30 1 * * *");
    expect(runner.schedule("backup")).toMatchObject({ expression: "30 1 * * *", source: "settings" });
    expect(() => saveScheduleOverride(d, "backup", "every day")).toThrow(/invalid schedule for backup/);
    saveScheduleOverride(d, "backup", null);
    expect(runner.schedule("backup").source).toBe("env");
  });
});
