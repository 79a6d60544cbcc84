import type { Command } from "commander";
import type { CliContext } from "../context.ts";

/** `redriva clear` (issue 2). */
export function registerClearCommand(_program: Command, _ctx: CliContext): void {}
