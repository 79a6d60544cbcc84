import { formatCount, formatDuration } from "../../lib/format.ts";
import type { SyncResult } from "../../services/sync/types.ts";

/**
 * The end-of-sync summary: what changed, what it cost, what is missing; one block per provider
 * when several were synced, then their sum.
 */
export function formatSyncResult(r: SyncResult): string[] {
  if (r.byProvider.length <= 1) return providerBlock(r);
  const lines = r.byProvider.flatMap(providerBlock);
  lines.push(
    `All providers: ${r.status.toUpperCase()} in ${formatDuration(r.durationMs)}: ${formatCount(r.torrentsSeen)} listed, ${formatCount(r.detailsDone)} details fetched, ${formatCount(r.requests.total)} requests`,
  );
  return lines;
}

function providerBlock(r: SyncResult): string[] {
  const lines: string[] = [];
  const head =
    r.plan && Object.keys(r.plan).length > 0 && r.detailsDone === 0 && r.runId === null
      ? "Plan (dry run)"
      : "Sync";
  lines.push(
    `${head} ${r.mode}${r.provider ? ` of ${r.provider}` : ""}: ${r.status.toUpperCase()} in ${formatDuration(r.durationMs)}${r.runId ? ` (run ${r.runId})` : ""}`,
  );
  lines.push(
    `  torrents: ${formatCount(r.torrentsSeen)} listed, ${formatCount(r.added)} new, ${formatCount(r.updated)} changed, ${formatCount(r.removed)} removed`,
  );
  const reasons = Object.entries(r.plan)
    .map(([reason, n]) => `${reason} ${formatCount(n as number)}`)
    .join(", ");
  if (r.runId === null) {
    lines.push(
      `  details that would be fetched: ${formatCount(r.detailsPlanned)}${reasons ? ` (${reasons})` : ""}`,
    );
  } else {
    lines.push(
      `  details: ${formatCount(r.detailsDone)} fetched of ${formatCount(r.detailsPlanned)} planned${reasons ? ` (${reasons})` : ""}, ${formatCount(r.detailsFailed)} failed`,
    );
  }
  lines.push(
    `  requests: ${formatCount(r.requests.total)} (${formatCount(r.requests.list)} list, ${formatCount(r.requests.details)} details), ${formatCount(r.requests.rateLimited)} refused with 429`,
  );
  if (r.missing.length > 0) {
    lines.push(
      `  MISSING: ${formatCount(r.missing.length)} torrents without fresh details: ${r.missing.slice(0, 10).join(", ")}${r.missing.length > 10 ? ", ..." : ""}`,
    );
  }
  if (r.error) lines.push(`  ${r.status === "failed" ? "ERROR" : "NOTE"}: ${r.error}`);
  return lines;
}
