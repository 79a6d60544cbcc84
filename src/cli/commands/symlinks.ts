import type { Command } from "commander";
import { formatCount, formatDuration } from "../../lib/format.ts";
import {
  confirmDeletion,
  deletionPlan,
  listScanHistory,
  listScanProblems,
  PROBLEM_LABELS,
  PROBLEM_TYPES,
  runScan,
  type ScanProgress,
} from "../../services/symlinks/index.ts";
import { type CliContext, CliExit, EXIT } from "../context.ts";

/** Problems printed by `symlinks scan`; the report and the web page have the full list. */
const LIST_LIMIT = 50;

function summary(p: ScanProgress): string[] {
  const c = p.counts;
  const lines = [
    `Scan #${p.scanId} ${p.status.replace(/_/g, " ")} in ${formatDuration(p.elapsedMs)} (${p.mode}, ${p.depth})`,
    `  checked ${formatCount(p.done)} of ${formatCount(p.total)} links/files${p.depth === "full" ? `, probed ${formatCount(p.phase2Done)} of ${formatCount(p.phase2Total)}` : ""}`,
    `  ${PROBLEM_TYPES.map((t) => `${PROBLEM_LABELS[t].toLowerCase()}: ${c[t]}`).join(", ")}`,
  ];
  if (p.deleted || p.deleteFailed)
    lines.push(`  deleted ${p.deleted}, failed ${p.deleteFailed}, Sonarr/Radarr commands ${p.rescans}`);
  if (p.error) lines.push(`  ${p.error}`);
  if (p.reportPath) lines.push(`  report: ${p.reportPath}`);
  return lines;
}

/** `redriva symlinks`: the symlink checker from the terminal (issue 6). */
export function registerSymlinksCommand(program: Command, ctx: CliContext): void {
  const symlinks = program
    .command("symlinks")
    .description("Check the media library's symlinks and files (broken, unreadable, empty, corrupt)")
    .addHelpText(
      "after",
      "\nExit codes: 0 done, 1 the scan failed or was partial, 2 bad usage or configuration, 130 interrupted.",
    );

  symlinks
    .command("scan")
    .description("Scan the media root (or some folders of it); dry-run unless --real --yes")
    .option("--paths <folders...>", "folders relative to the media root (default: all of it)")
    .option("--full", "also ffprobe every media file (phase 2)")
    .option("--real", "delete the problems found (needs --yes), then ask Sonarr/Radarr to rescan")
    .option("--yes", "confirm the deletion of every problem listed")
    .option("--json", "print the final state as JSON")
    .action(
      async (flags: { paths?: string[]; full?: boolean; real?: boolean; yes?: boolean; json?: boolean }) => {
        if (flags.real && !flags.yes) {
          throw new CliExit(
            EXIT.usage,
            "--real deletes files: add --yes to confirm, or run without --real first to see the list.",
          );
        }
        if (flags.yes && !flags.real) throw new CliExit(EXIT.usage, "--yes only makes sense with --real.");
        const deps = ctx.deps();
        let phase = "";
        let final = await runScan(
          deps,
          {
            paths: flags.paths ?? [],
            mode: flags.real ? "real" : "dry-run",
            depth: flags.full ? "full" : "basic",
          },
          {
            signal: ctx.signal,
            onProgress: (p) => {
              if (p.phase !== phase) {
                phase = p.phase;
                ctx.err(
                  `scan #${p.scanId}: ${p.phase}${p.total ? ` (${formatCount(p.total)} links/files)` : ""}`,
                );
              }
            },
          },
        );
        const problems = listScanProblems(deps, final.scanId, { limit: LIST_LIMIT });
        if (!flags.json) {
          for (const pr of problems.problems)
            ctx.out(`${pr.type.padEnd(12)} ${pr.path}${pr.detail ? `  (${pr.detail})` : ""}`);
          if (problems.total > problems.problems.length)
            ctx.out(`... and ${problems.total - problems.problems.length} more`);
        }
        if (final.status === "awaiting_confirmation") {
          // --yes confirmed the whole list: delete exactly what the scan found (token of that list).
          const plan = deletionPlan(deps, final.scanId);
          ctx.err(`deleting ${plan.items.length} link(s)/file(s)...`);
          final = await confirmDeletion(deps, final.scanId, { token: plan.token }).done;
        }
        if (flags.json) ctx.out(JSON.stringify(final, null, 2));
        else for (const line of summary(final)) ctx.out(line);
        if (final.status === "cancelled") throw new CliExit(EXIT.interrupted);
        if (final.status !== "completed") throw new CliExit(EXIT.failed);
      },
    );

  symlinks
    .command("history")
    .description("The last scans kept (SYMLINK_HISTORY_KEEP)")
    .action(() => {
      const scans = listScanHistory(ctx.deps());
      if (scans.length === 0) ctx.out("No scan yet.");
      for (const s of scans) {
        ctx.out(
          `#${s.scanId}  ${new Date(s.startedAt).toISOString()}  ${s.status.padEnd(21)} ${s.mode.padEnd(7)} ${s.depth.padEnd(5)} ` +
            `${formatCount(s.done)} checked, ${formatCount(s.problems)} problems, ${s.deleted} deleted`,
        );
      }
    });
}
