import type { Command } from "commander";
import type { CliContext } from "../context.ts";

/** `redriva diagnose` (issue 2). */
export function registerDiagnoseCommand(_program: Command, _ctx: CliContext): void {}
