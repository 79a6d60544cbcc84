import type { Deps } from "../../deps.ts";
import { runHistory } from "../../jobs/overview.ts";
import { withoutCliCommand } from "../ui/cli-hints.ts";
import { jobsFormat } from "./view-format.ts";

const MAX_ROWS = 50;

/**
 * The one run history (job runs, newest first), drawn by the jobs/history partial on /jobs and
 * on the dashboard: of one job (`job`) or all, `limit` rows (the dashboard shows fewer).
 */
export function historyData(deps: Deps, query: { job?: string; limit?: string | number }) {
  const { job } = query;
  const jobFilter = job && deps.jobs.list().some((d) => d.name === job) ? job : null;
  const asked = Number(query.limit);
  const limit = Number.isInteger(asked) && asked > 0 && asked < MAX_ROWS ? asked : null;
  return {
    // A sync's error ends with the CLI command that fixes it: the pages offer a button instead.
    history: runHistory(deps, { job: jobFilter ?? undefined, limit: limit ?? MAX_ROWS }).map((run) => ({
      ...run,
      error: run.error && withoutCliCommand(run.error),
    })),
    jobFilter,
    limit,
    fmt: jobsFormat(deps.time, deps.clock.now()),
  };
}
