import type { Command } from "commander";
import type { CliContext } from "../context.ts";

/** `redriva sync` (issue 2). */
export function registerSyncCommand(_program: Command, _ctx: CliContext): void {}
