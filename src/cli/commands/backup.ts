import type { Command } from "commander";
import type { CliContext } from "../context.ts";

/** `redriva backup` (issue 4). */
export function registerBackupCommands(_program: Command, _ctx: CliContext): void {}
