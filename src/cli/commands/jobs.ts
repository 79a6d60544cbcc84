import type { Command } from "commander";
import type { CliContext } from "../context.ts";

/** `redriva jobs` (issue 4). */
export function registerJobsCommand(_program: Command, _ctx: CliContext): void {}
