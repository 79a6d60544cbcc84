import type { Command } from "commander";
import type { Deps } from "../../deps.ts";
import type { JobRunner } from "../../jobs/index.ts";
import { jobsOverview } from "../../jobs/overview.ts";
import type { FinishedRun } from "../../jobs/runner.ts";
import { formatDuration } from "../../lib/format.ts";
import { reportsDir } from "../../services/reports/index.ts";
import { type CliContext, CliExit, EXIT } from "../context.ts";

/** `redriva jobs list|run <name>`: the same runner as the server, trigger "cli". */
export function registerJobsCommand(program: Command, ctx: CliContext): void {
  const jobs = program.command("jobs").description("List the background jobs or run one now");

  jobs
    .command("list")
    .description("Every job with its schedule and last outcome")
    .option("--json", "machine-readable output")
    .action((flags: { json?: boolean }) => {
      const deps = ctx.deps();
      const views = jobsOverview(deps, deps.jobs);
      if (flags.json) {
        ctx.out(JSON.stringify(views, null, 2));
        return;
      }
      const time = deps.time;
      for (const job of views) {
        const schedule = job.schedule.unavailable
          ? `off (${job.schedule.unavailable})`
          : `${job.schedule.expression ?? "off"} [${job.schedule.source}]`;
        const last = job.running
          ? `running since ${time.dateTime(job.running.startedAt)} (run #${job.running.id})`
          : job.last
            ? `${job.last.status} ${time.dateTime(job.last.startedAt)} in ${formatDuration(job.last.durationMs ?? 0)}`
            : "never ran";
        ctx.out(`${job.name.padEnd(14)} ${schedule.padEnd(34)} ${last}`);
        ctx.out(`${"".padEnd(14)} ${job.description}`);
      }
    });

  jobs
    .command("run")
    .description("Run a job now and wait for it (recorded in the job history with a report)")
    .argument("<name>", "job name (see `redriva jobs list`)")
    .addHelpText(
      "after",
      "\nExit codes: 0 succeeded, 1 failed or already running, 2 unknown or unavailable job, 130 interrupted.",
    )
    .action(async (name: string) => {
      const deps = ctx.deps();
      const finished = await runJobFromCli(ctx, deps, deps.jobs, name);
      exitFor(finished);
    });
}

/** Triggers `name` with trigger "cli", prints its log lines as they come, waits for the end. */
export async function runJobFromCli(
  ctx: CliContext,
  deps: Deps,
  runner: JobRunner,
  name: string,
): Promise<FinishedRun> {
  const known = runner.list().map((d) => d.name);
  if (!known.includes(name))
    throw new CliExit(EXIT.usage, `Unknown job "${name}". Jobs: ${known.join(", ")}.`);
  const run = runner.trigger(name, "cli");
  const unsubscribe = deps.bus.subscribe("jobs", (event) => {
    if (event.type === "log" && event.data.runId === run.runId) ctx.out(String(event.data.line));
  });
  // Ctrl+C: the job checkpoints and is recorded as interrupted, like a server shutdown.
  const onAbort = () => void runner.stop();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const finished = await run.done;
    const report = finished.reportPath ? ` Report: ${reportsDir(deps.config)}/${finished.reportPath}` : "";
    ctx.out(
      `${name} ${finished.status} in ${formatDuration(finished.durationMs)} (run #${finished.runId}).${report}`,
    );
    if (finished.error) ctx.err(`${name}: ${finished.error}`);
    return finished;
  } finally {
    unsubscribe();
    ctx.signal.removeEventListener("abort", onAbort);
  }
}

export function exitFor(finished: FinishedRun): void {
  if (finished.status === "failed") throw new CliExit(EXIT.failed);
  if (finished.status === "interrupted" || finished.status === "cancelled")
    throw new CliExit(EXIT.interrupted);
}
