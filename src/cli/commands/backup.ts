import type { Command } from "commander";
import { formatBytes } from "../../lib/format.ts";
import { listBackups, restoreBackup } from "../../services/backup/index.ts";
import type { CliContext } from "../context.ts";
import { exitFor, runJobFromCli } from "./jobs.ts";

/** `redriva backup` and `redriva restore <file>`. */
export function registerBackupCommands(program: Command, ctx: CliContext): void {
  program
    .command("backup")
    .description("Back up the database now into DATA_DIR/backups (checked, rotated; runs the backup job)")
    .option("--list", "list the backups kept instead")
    .action(async (flags: { list?: boolean }) => {
      if (flags.list) {
        const backups = listBackups(ctx.config());
        if (backups.length === 0) ctx.out("No backup yet.");
        for (const b of backups) ctx.out(`${b.name}  ${formatBytes(b.bytes).padStart(9)}  ${b.path}`);
        return;
      }
      const deps = ctx.deps();
      exitFor(await runJobFromCli(ctx, deps, deps.jobs, "backup"));
    });

  program
    .command("restore")
    .description(
      "Replace the database with a backup (Redriva must be stopped; the current one is kept aside)",
    )
    .argument("<file>", "a backup file: a path, or a name from `redriva backup --list`")
    .action((file: string) => {
      // The database is not opened: it may be the broken thing being replaced.
      const result = restoreBackup(ctx.config(), file);
      ctx.out(`Restored ${result.restoredFrom}.`);
      if (result.previousKeptAt) ctx.out(`The previous database is kept as ${result.previousKeptAt}.`);
      ctx.out("Start Redriva again; pending migrations apply at start.");
    });
}
