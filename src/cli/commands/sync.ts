import { type Command, Option } from "commander";
import { runSync, SYNC_MODES, type SyncMode, type SyncResult } from "../../services/sync/index.ts";
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
      "\nExit codes: 0 everything fetched, 1 something is missing (see the summary), 2 bad usage or configuration, 130 interrupted (run `sync resume`).",
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
      let result: SyncResult;
      try {
        result = await runSync(deps, mode as SyncMode, {
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
        });
      } finally {
        progress.stop();
      }
      for (const line of formatSyncResult(result)) ctx.out(line);
      if (result.status === "interrupted") throw new CliExit(EXIT.interrupted);
      if (result.status === "failed") throw new CliExit(EXIT.failed);
    });
}
