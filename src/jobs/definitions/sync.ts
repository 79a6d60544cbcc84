import { libraryByStatus } from "../../db/repo/metrics.ts";
import { libraryChangesSince, torrentKey, torrentNames } from "../../db/repo/reports.ts";
import type { Deps } from "../../deps.ts";
import { ConflictError } from "../../errors.ts";
import { formatBytes, formatCount } from "../../lib/format.ts";
import { statusColor } from "../../lib/status-colors.ts";
import { hasResumableRun, runSync } from "../../services/sync/index.ts";
import type { SyncResult } from "../../services/sync/types.ts";
import type { JobContext, JobDefinition, JobOutcome, ReportSection } from "../types.ts";

/** Rows listed per kind of change in a sync report (the counts cover everything). */
const REPORT_ROWS = 5_000;

function availability(deps: Deps): string | null {
  return deps.providers.configured().length > 0 ? null : deps.providers.noneConfigured();
}

/** Progress reaches the dashboard's console at most this often (enough for a smooth bar). */
const CONSOLE_PROGRESS_MS = 250;

async function syncRun(
  ctx: JobContext,
  mode: "smart" | "full" | "resume" | "torrents" | "details",
  options: { status?: string } = {},
): Promise<JobOutcome> {
  const startedAt = ctx.deps.clock.now();
  if (mode === "resume" && !hasResumableRun(ctx.deps)) {
    ctx.log("nothing to resume: the last sync run finished");
    return { summary: "nothing to resume" };
  }
  let result: SyncResult;
  let lastProgress = 0;
  try {
    result = await runSync(ctx.deps, mode, {
      ...options,
      signal: ctx.signal,
      onLog: (line, level) => ctx.log(line, level),
      onProgress: (p) => {
        const now = ctx.deps.clock.now();
        if (now - lastProgress >= CONSOLE_PROGRESS_MS || p.done === p.total) {
          lastProgress = now;
          ctx.deps.bus.publish("sync", "progress", { ...p });
        }
        ctx.progress({
          phase: p.phase,
          done: p.done,
          total: p.total,
          message: `${Math.round(p.ratePerMinute)} requests/min${p.etaMs !== null ? `, about ${Math.ceil(p.etaMs / 60_000)} min left` : ""}`,
        });
      },
    });
  } catch (error) {
    // A sync started from the CLI holds the sync lock: this run did not happen, it did not fail.
    if (error instanceof ConflictError) {
      ctx.log(`skipped: ${error.message}`, "warn");
      return { status: "cancelled", error: `skipped: ${error.message}` };
    }
    throw error;
  }
  return syncOutcome(ctx.deps, result, startedAt);
}

/** Counts, summary and report of a sync run (exported for the report benchmark). */
export function syncOutcome(deps: Deps, result: SyncResult, startedAt: number): JobOutcome {
  return {
    status: result.status,
    error: result.error,
    counts: {
      torrents_seen: result.torrentsSeen,
      added: result.added,
      updated: result.updated,
      removed: result.removed,
      details_planned: result.detailsPlanned,
      details_done: result.detailsDone,
      details_failed: result.detailsFailed,
      requests: result.requests.total,
      rate_limited: result.requests.rateLimited,
    },
    summary: `${formatCount(result.torrentsSeen)} torrents: ${result.added} new, ${result.updated} changed, ${result.removed} removed; ${result.detailsDone} details fetched`,
    report: syncReport(deps, result, startedAt),
  };
}

function syncReport(deps: Deps, result: SyncResult, startedAt: number): ReportSection[] {
  const sections: ReportSection[] = [];
  const plan = Object.entries(result.plan).filter(([, n]) => (n ?? 0) > 0);
  if (plan.length > 0) {
    sections.push({
      kind: "bars",
      title: "Details planned, by reason",
      bars: plan.map(([label, value]) => ({ label, value: value ?? 0 })),
    });
  }
  const library = libraryByStatus(deps.dbh.db);
  if (library.length > 0) {
    sections.push({
      kind: "bars",
      title: "Library by status",
      bars: library.map((s) => ({ label: s.status, value: s.count, color: statusColor(s.status) })),
    });
  }
  // One provider's result, or several under `byProvider`: ids are only unique per provider.
  const parts = result.provider !== null ? [result] : result.byProvider;
  const providers = parts.map((r) => r.provider).filter((p): p is string => p !== null);
  const changes = libraryChangesSince(deps.dbh.db, providers, startedAt, REPORT_ROWS);
  const columns = ["Name", "Status", "Size", "Provider", "Id"];
  for (const kind of ["added", "updated", "removed"] as const) {
    const rows = changes[kind];
    if (rows.length === 0) continue;
    sections.push({
      kind: "table",
      title: `${kind === "added" ? "New" : kind === "updated" ? "Changed" : "Removed"} torrents (${formatCount(changes.totals[kind])})`,
      columns,
      rows: rows.map((t) => [t.filename, t.status, formatBytes(t.bytes), t.provider, t.id]),
      more: changes.totals[kind] - rows.length,
    });
  }
  const missing = parts.flatMap((r) => r.missing.map((id) => ({ provider: r.provider ?? "", id })));
  if (missing.length > 0) {
    const listed = missing.slice(0, REPORT_ROWS);
    const names = torrentNames(deps.dbh.db, listed);
    sections.push({
      kind: "table",
      title: `Details not fetched (${formatCount(missing.length)})`,
      columns: ["Provider", "Id", "Name"],
      rows: listed.map((t) => [t.provider, t.id, names.get(torrentKey(t)) ?? ""]),
      more: Math.max(0, missing.length - REPORT_ROWS),
    });
  }
  return sections;
}

function syncJob(
  name: string,
  mode: "smart" | "full",
  description: string,
  defaultSchedule: string,
): JobDefinition {
  return {
    name,
    description,
    defaultSchedule,
    availability,
    run: (ctx) => syncRun(ctx, mode),
    // Both syncs share the sync checkpoint (sync_run_items): resume it once at start.
    resume: (ctx) => syncRun(ctx, "resume"),
    group: "sync",
    variants: {
      list: { label: "list only", run: (ctx) => syncRun(ctx, "torrents") },
      errors: { label: "retry errors", run: (ctx) => syncRun(ctx, "details", { status: "error" }) },
    },
  };
}

export const smartSyncJob = syncJob(
  "smart-sync",
  "smart",
  "Library list, then details only where they are new, changed, stale or missing",
  "*/15 * * * *",
);

export const fullSyncJob = syncJob(
  "full-sync",
  "full",
  "Library list and the details of every torrent",
  "30 4 * * 0",
);
