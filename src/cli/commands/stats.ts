import type { Command } from "commander";
import type { CliContext } from "../context.ts";

/** `redriva stats` (issue 2). */
export function registerStatsCommand(_program: Command, _ctx: CliContext): void {}
