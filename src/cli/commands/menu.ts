import type { Command } from "commander";
import { CliExit, EXIT } from "../context.ts";

/** `redriva menu` (and `redriva` alone on a terminal): the guided menu. */
export function registerMenuCommand(program: Command): void {
  program
    .command("menu")
    .description("Guided menu of the main actions, with recommendations (also: redriva with no arguments)")
    .action(async () => {
      if (!process.stdin.isTTY || !process.stdout.isTTY)
        throw new CliExit(
          EXIT.usage,
          "The menu needs a terminal; run a command instead (see redriva --help).",
        );
      const { runMenu } = await import("../menu.ts");
      process.exitCode = await runMenu();
    });
}
