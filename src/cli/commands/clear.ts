import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { clearLibrary } from "../../db/repo/library.ts";
import { type CliContext, CliExit, EXIT } from "../context.ts";

/** `redriva clear`: empties the mirrored library after a confirmation. */
export function registerClearCommand(program: Command, ctx: CliContext): void {
  program
    .command("clear")
    .description("Delete every torrent, details and file row from the database (asks for confirmation)")
    .option("-y, --yes", "do not ask")
    .action(async (flags: { yes?: boolean }) => {
      const deps = ctx.deps();
      if (!flags.yes) {
        if (!process.stdin.isTTY) {
          throw new CliExit(
            EXIT.usage,
            "Refusing to clear without confirmation: run it in a terminal or pass --yes.",
          );
        }
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        const answer = await rl.question(
          `This deletes the mirrored library in ${deps.config.dbPath}. Type "yes" to continue: `,
        );
        rl.close();
        if (answer.trim().toLowerCase() !== "yes") {
          ctx.out("Nothing deleted.");
          throw new CliExit(EXIT.failed);
        }
      }
      const { torrents } = clearLibrary(deps.dbh);
      ctx.out(
        `Deleted ${torrents} torrents and their details. Run \`redriva sync torrents\` to fetch them again.`,
      );
    });
}
