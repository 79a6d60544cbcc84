import { type Command, Option } from "commander";
import type { Deps } from "../../deps.ts";
import { ConflictError, errorMessage } from "../../errors.ts";
import { syncOutcome } from "../../jobs/definitions/sync.ts";
import type { JobOutcome } from "../../jobs/types.ts";
import {
  runSync,
  SYNC_MODES,
  type SyncMode,
  type SyncOptions,
  type SyncResult,
  syncRequestTargets,
} from "../../services/sync/index.ts";
import { type CliContext, CliExit, EXIT } from "../context.ts";
import { createProgressReporter } from "../output/progress.ts";
import { formatSyncResult } from "../output/sync-summary.ts";

/** `redriva sync <mode>`: mirrors the debrid libraries into SQLite. */
export function registerSyncCommand(program: Command, ctx: CliContext): void {
  program
    .command("sync")
    .description("Mirror the debrid libraries into the database (every configured provider, or --provider)")
    .argument(
      "<mode>",
      "torrents (list only) | full (list + every details) | smart (only what changed) | resume | details (--status)",
    )
    .option("--dry-run", "smart: print the plan by reason and call nothing else")
    .option("--status-changes-only", "smart: only new torrents and changes to files/links")
    .option("--include-active", "smart: also refresh active downloads")
    .option("--skip-error-retry", "smart: do not retry details that failed last time")
    .addOption(new Option("--status <status>", "details: the status to refresh (e.g. error, downloading)"))
    .addOption(
      new Option(
        "--provider <kind>",
        "only this provider (e.g. realdebrid, alldebrid); default: every configured one",
      ),
    )
    .option("-v, --verbose", "log every details fetch")
    .addHelpText(
      "after",
      "\nExit codes: 0 everything fetched, 1 something is missing (see the summary), 2 bad usage or configuration, 130 interrupted (run `sync resume`).\nEvery sync but a dry run is recorded in the job history (/jobs, the dashboard) as a run of smart-sync or full-sync started from the CLI, with its report.",
    )
    .action(async (mode: string, flags: Record<string, unknown>) => {
      if (!SYNC_MODES.includes(mode as SyncMode)) {
        throw new CliExit(
          EXIT.usage,
          `Unknown sync mode "${mode}". Choose one of: ${SYNC_MODES.join(", ")}.`,
        );
      }
      const deps = ctx.deps();
      const progress = createProgressReporter(ctx, mode);
      const options: SyncOptions = {
        dryRun: Boolean(flags.dryRun),
        statusChangesOnly: Boolean(flags.statusChangesOnly),
        includeActive: Boolean(flags.includeActive),
        skipErrorRetry: Boolean(flags.skipErrorRetry),
        verbose: Boolean(flags.verbose),
        status: typeof flags.status === "string" ? flags.status : undefined,
        provider: typeof flags.provider === "string" ? flags.provider : undefined,
        signal: ctx.signal,
        onProgress: progress.update,
        onLog: progress.log,
      };
      let result: SyncResult;
      try {
        // A dry run changes nothing and calls nothing but the list: it is no run of the history.
        result = options.dryRun
          ? await runSync(deps, mode as SyncMode, options)
          : await syncAsJobRun(deps, mode as SyncMode, options, ctx.signal);
      } finally {
        progress.stop();
      }
      for (const line of formatSyncResult(result)) ctx.out(line);
      if (result.status === "interrupted") throw new CliExit(EXIT.interrupted);
      if (result.status === "failed") throw new CliExit(EXIT.failed);
    });
}

/** The job whose history a CLI sync joins, and the words its run is labelled with. */
function historyEntry(mode: SyncMode, options: SyncOptions): { job: string; label: string } {
  if (mode === "full") return { job: "full-sync", label: "sync full" };
  if (mode === "torrents") return { job: "smart-sync", label: "list only" };
  if (mode === "details") return { job: "smart-sync", label: `details of ${options.status} torrents` };
  return { job: "smart-sync", label: `sync ${mode}` };
}

/**
 * Runs the sync as a run of smart-sync or full-sync (trigger "cli"): the same job_runs row,
 * counts and report as a run the server starts. What the terminal shows and the exit code stay
 * the command's own; an error the sync throws is thrown again once the run is recorded.
 */
async function syncAsJobRun(
  deps: Deps,
  mode: SyncMode,
  options: SyncOptions,
  cliSignal: AbortSignal,
): Promise<SyncResult> {
  // Bad options or nothing to resume: refused as before, before any run is recorded.
  syncRequestTargets(deps, mode, options);
  const { job, label } = historyEntry(mode, options);
  let result: SyncResult | null = null;
  let thrown: unknown = null;
  const run = deps.jobs.trigger(job, "cli", {
    label,
    terminal: true,
    async run(jobCtx): Promise<JobOutcome> {
      const startedAt = deps.clock.now();
      try {
        result = await runSync(deps, mode, {
          ...options,
          signal: AbortSignal.any([cliSignal, jobCtx.signal]),
          onLog: (line, level) => {
            options.onLog?.(line, level);
            jobCtx.log(line, level);
          },
        });
      } catch (error) {
        thrown = error;
        // Another sync holds the sync lock: this one did not happen, it did not fail.
        if (error instanceof ConflictError)
          return { status: "cancelled", error: `skipped: ${error.message}` };
        if (cliSignal.aborted) return { status: "interrupted", error: errorMessage(error) };
        throw error;
      }
      return syncOutcome(deps, result, startedAt);
    },
  });
  await run.done;
  if (thrown !== null) throw thrown;
  if (result === null) throw new Error(`${job} run #${run.runId} ended without a sync result`);
  return result;
}
