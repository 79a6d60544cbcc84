import { Command, CommanderError } from "commander";
import { explainDatabaseError } from "../db/errors.ts";
import { AppError } from "../errors.ts";
import { registerBackupCommands } from "./commands/backup.ts";
import { registerClearCommand } from "./commands/clear.ts";
import { registerDiagnoseCommand } from "./commands/diagnose.ts";
import { registerDownloadsCommand } from "./commands/downloads.ts";
import { registerImportCommand } from "./commands/import.ts";
import { registerJobsCommand } from "./commands/jobs.ts";
import { registerMenuCommand } from "./commands/menu.ts";
import { registerRepairCommand } from "./commands/repair.ts";
import { registerStatsCommand } from "./commands/stats.ts";
import { registerSymlinksCommand } from "./commands/symlinks.ts";
import { registerSyncCommand } from "./commands/sync.ts";
import { type CliContext, CliExit, createCliContext, EXIT } from "./context.ts";

/**
 * Commands that write to DATA_DIR take its exclusive lock first: one writer at a time, the server
 * included (reading commands such as stats, diagnose, lists and histories run beside it).
 */
const WRITING_COMMANDS: ReadonlySet<string> = new Set([
  "sync",
  "clear",
  "restore",
  "backup",
  "repair scan",
  "repair run",
  "repair reinject",
  "downloads add",
  "downloads pause",
  "downloads resume",
  "downloads delete",
  "jobs run",
  "symlinks scan",
  "import rdt-client",
  "import redriva-python",
]);

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

function databasePath(ctx: CliContext): string {
  try {
    return ctx.config().dbPath;
  } catch {
    return "the database";
  }
}

/** `bun run redriva <command>`: every command has --help. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("redriva")
    .description(
      "Self-hosted manager for debrid services: library sync, repair, symlink checker, download client, WebDAV",
    )
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .hook("preAction", (_program, action) => {
      const path = commandPath(action);
      if (!WRITING_COMMANDS.has(path)) return;
      if (path === "backup" && action.opts().list) return;
      if (path.startsWith("import ") && !action.opts().apply) return;
      ctx.lockDataDir(path);
    });
  registerSyncCommand(program, ctx);
  registerStatsCommand(program, ctx);
  registerDiagnoseCommand(program, ctx);
  registerClearCommand(program, ctx);
  registerJobsCommand(program, ctx);
  registerBackupCommands(program, ctx);
  registerRepairCommand(program, ctx);
  registerSymlinksCommand(program, ctx);
  registerDownloadsCommand(program, ctx);
  registerImportCommand(program, ctx);
  registerMenuCommand(program);
  return program;
}

export async function runCli(argv: string[], ctx: CliContext = createCliContext()): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? EXIT.ok);
  } catch (caught) {
    // A full disk or a damaged database anywhere below: its one clear line, not SQLite's error.
    const error = explainDatabaseError(caught, databasePath(ctx));
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliExit) {
      if (error.message) ctx.err(error.message);
      return error.code;
    }
    if (error instanceof AppError) {
      ctx.err(`Error: ${error.message}`);
      return error.code === "interrupted"
        ? EXIT.interrupted
        : error.code === "validation"
          ? EXIT.usage
          : EXIT.failed;
    }
    ctx.err(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.failed;
  } finally {
    ctx.close();
  }
}
