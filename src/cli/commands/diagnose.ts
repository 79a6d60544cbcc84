import type { Command } from "commander";
import { formatBytes, formatCount } from "../../lib/format.ts";
import { type DiagnosisGroup, diagnoseLibrary } from "../../services/stats/diagnose.ts";
import type { CliContext } from "../context.ts";

/** `redriva diagnose`: torrents in error grouped by type, with the action and command to fix. */
export function registerDiagnoseCommand(program: Command, ctx: CliContext): void {
  program
    .command("diagnose")
    .description("Torrents in error grouped by type, with a suggested action and the exact command to run")
    .option("--json", "as JSON")
    .option("--limit <n>", "torrents listed per group", "10")
    .action((flags: { json?: boolean; limit: string }) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 0) throw new Error("--limit expects a whole number");
      const groups = diagnoseLibrary(ctx.deps());
      if (flags.json) {
        ctx.out(JSON.stringify(groups, null, 2));
        return;
      }
      for (const line of formatDiagnosis(groups, limit)) ctx.out(line);
    });
}

function formatDiagnosis(groups: DiagnosisGroup[], limit: number): string[] {
  const total = groups.reduce((s, g) => s + g.torrents.length, 0);
  if (total === 0) return ["No torrent in error. Nothing to do."];
  const lines = [`DIAGNOSIS: ${formatCount(total)} torrents need attention`, ""];
  for (const g of groups) {
    lines.push(`${g.label}: ${formatCount(g.torrents.length)}`);
    lines.push(`  why:     ${g.explanation}`);
    lines.push(`  action:  ${g.action}`);
    lines.push(`  command: ${g.command}`);
    for (const t of g.torrents.slice(0, limit)) {
      lines.push(
        `    ${t.id}  ${formatBytes(t.bytes).padStart(9)}  ${t.filename}${t.details_error ? `  (${t.details_error})` : ""}`,
      );
    }
    if (g.torrents.length > limit) lines.push(`    ... and ${formatCount(g.torrents.length - limit)} more`);
    lines.push("");
  }
  return lines;
}
