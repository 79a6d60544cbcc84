import { runCleanup } from "../../services/cleanup/index.ts";
import type { JobDefinition } from "../types.ts";

export const cleanupJob: JobDefinition = {
  name: "cleanup",
  description: "Retention: deletes old job history, metric samples and other features' history",
  defaultSchedule: "45 4 * * *",
  async run(ctx) {
    const result = runCleanup(ctx.deps);
    const counts: Record<string, number> = {};
    for (const rule of result.rules) {
      counts[rule.name] = rule.deleted;
      ctx.log(
        rule.error
          ? `${rule.name}: failed: ${rule.error}`
          : `${rule.name}: deleted ${rule.deleted} older than ${rule.days} days`,
        rule.error ? "error" : "info",
      );
    }
    const failures = result.rules.filter((r) => r.error);
    return {
      status: result.failed ? "failed" : "succeeded",
      error: failures.length > 0 ? failures.map((r) => `${r.name}: ${r.error}`).join("; ") : null,
      counts,
      report: [
        {
          kind: "table",
          title: "Retention rules",
          columns: ["History", "Kept (days)", "Deleted", "Error"],
          rows: result.rules.map((r) => [r.description, r.days, r.deleted, r.error]),
        },
      ],
    };
  },
};
