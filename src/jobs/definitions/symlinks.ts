import type { Deps } from "../../deps.ts";
import { PROBLEM_LABELS, PROBLEM_TYPES } from "../../services/symlinks/check.ts";
import { runSymlinkCheck } from "../../services/symlinks/index.ts";
import { getSymlinkSettings, mediaRootProblem } from "../../services/symlinks/settings.ts";
import type { JobContext, JobDefinition, JobOutcome } from "../types.ts";

export function symlinkJobAvailability(deps: Deps): string | null {
  const root = getSymlinkSettings(deps).mediaRoot;
  if (!root) return "no media root configured (set MEDIA_ROOT or the Symlinks settings tab)";
  const problem = mediaRootProblem(root);
  return problem ? `media root unusable: ${problem}` : null;
}

async function symlinkCheckJobRun(ctx: JobContext): Promise<JobOutcome> {
  const result = await runSymlinkCheck(ctx.deps, {
    signal: ctx.signal,
    onLog: (line) => ctx.log(line),
    onProgress: (p) =>
      ctx.progress({
        phase: p.phase,
        done: p.phase === "phase2" ? p.phase2Done : p.done,
        total: p.phase === "phase2" ? p.phase2Total : p.total,
      }),
  });
  const counts: Record<string, number> = {
    checked: result.checked,
    problems: result.problems,
    scan_id: result.scanId,
  };
  for (const type of PROBLEM_TYPES) counts[type] = result.counts[type];
  return {
    status: "succeeded",
    counts,
    summary: `${result.checked} checked, ${result.problems} problem(s)`,
    report: [
      {
        kind: "bars",
        title: "Problems by type",
        bars: PROBLEM_TYPES.map((t) => ({ label: PROBLEM_LABELS[t], value: result.counts[t] })),
      },
      {
        kind: "text",
        title: "Scan",
        lines: [
          `Symlink scan #${result.scanId} (dry-run): see /symlinks/scans/${result.scanId}`,
          ...(result.reportPath ? [`Full report: ${result.reportPath}`] : []),
        ],
      },
    ],
  };
}

/**
 * Symlink check (issue 6): a dry-run phase-1 scan of the whole media root; it never deletes.
 * Off until a media root is configured (MEDIA_ROOT or the Symlinks settings tab).
 */
export const symlinkCheckJob: JobDefinition = {
  name: "symlink-check",
  description: "Checks the media library's symlinks and files (broken links, empty or unreadable files)",
  defaultSchedule: "0 5 * * *",
  availability: symlinkJobAvailability,
  run: symlinkCheckJobRun,
};
