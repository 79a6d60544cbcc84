import type { Command } from "commander";
import type { CliContext } from "../context.ts";

/** `redriva symlinks` (issue 6). */
export function registerSymlinksCommand(_program: Command, _ctx: CliContext): void {}
