import type { Command } from "commander";
import type { CliContext } from "../context.ts";

/** `redriva repair` (issue 5). */
export function registerRepairCommand(_program: Command, _ctx: CliContext): void {}
