import type { AttemptRow, CandidateRow } from "../../db/repo/repair.ts";
import { formatCount, formatDuration } from "../../lib/format.ts";
import type { TimeFormatter } from "../../lib/time-format.ts";
import type { ItemResult, RepairHistory, RunResult, ScanResult } from "../../services/repair/index.ts";

/** Text output of `redriva repair ...`. */

/** `time`: the configured zone's clock (JOBS_TIMEZONE, else TZ), named so a terminal knows which. */
export function formatTime(ms: number | null | undefined, time: TimeFormatter): string {
  if (ms === null || ms === undefined) return "-";
  return `${time.dateTime(ms)} ${time.zone}`;
}

function relative(ms: number, now: number): string {
  const delta = ms - now;
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} overdue`;
}

export function formatScan(r: ScanResult): string[] {
  const lines = [
    `Repair scan ${r.mode}: ${r.status.toUpperCase()} in ${formatDuration(r.durationMs)}`,
    `  ${formatCount(r.torrentsListed)} torrents listed, ${formatCount(r.checked)} checked, ${formatCount(r.requests)} request(s)`,
    `  candidates: ${formatCount(r.found)} found, ${formatCount(r.newCandidates)} new, ${formatCount(r.closed)} no longer failing`,
  ];
  if (r.unmappedCount > 0) {
    lines.push(`  ${formatCount(r.unmappedCount)} broken link(s) matched no known torrent (run a sync?):`);
    for (const path of r.unmapped.slice(0, 10)) lines.push(`    ${path}`);
  }
  if (r.error) lines.push(`  ERROR: ${r.error}`);
  return lines;
}

export function formatItem(i: ItemResult, time: TimeFormatter): string[] {
  const name = i.filename || i.torrentId;
  const lines = [`  ${i.outcome.toUpperCase().padEnd(8)} ${name} (${i.torrentId}, ${i.reason})`];
  if (i.newTorrentId) lines.push(`           now ${i.newTorrentId}`);
  if (i.plan) for (const step of i.plan.steps) lines.push(`           would: ${step}`);
  if (i.plan && i.links.length > 0) for (const link of i.links) lines.push(`             link: ${link}`);
  if (!i.plan && i.links.length > 0)
    lines.push(`           removed ${i.links.length} link(s): ${i.links.join(", ")}`);
  if (i.error) lines.push(`           ${i.failure ? `${i.failure}: ` : ""}${i.error}`);
  if (i.dueAt) lines.push(`           next attempt ${formatTime(i.dueAt, time)}`);
  return lines;
}

export function formatRun(r: RunResult, time: TimeFormatter): string[] {
  const counts = Object.entries(r.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  const lines = [
    `Repair run${r.dryRun ? " (DRY RUN: nothing changed; set DRY_RUN=false to act)" : ""}: ${r.status.toUpperCase()} in ${formatDuration(r.durationMs)}`,
    `  ${r.items.length === 0 ? "nothing to do" : counts}`,
  ];
  for (const item of r.items) lines.push(...formatItem(item, time));
  if (r.arr.rescans || r.arr.searches)
    lines.push(`  Sonarr/Radarr: ${r.arr.rescans} rescan(s), ${r.arr.searches} search(es)`);
  for (const e of r.arr.errors) lines.push(`  Sonarr/Radarr: ${e}`);
  if (r.error) lines.push(`  ERROR: ${r.error}`);
  return lines;
}

export function formatQueue(
  queue: CandidateRow[],
  now: number,
  maxAttempts: number,
  time: TimeFormatter,
): string[] {
  if (queue.length === 0) return ["Retry queue: empty"];
  const lines = [`Retry queue: ${queue.length} torrent(s)`];
  for (const c of queue) {
    lines.push(
      `  ${formatTime(c.due_at, time)} (${c.due_at ? relative(c.due_at, now) : "?"})  attempt ${c.attempts + 1}/${maxAttempts}  ${c.filename || c.torrent_id} (${c.torrent_id})`,
    );
    if (c.last_error) lines.push(`      last: ${c.failure ? `${c.failure}: ` : ""}${c.last_error}`);
  }
  return lines;
}

function formatAttempt(a: AttemptRow, time: TimeFormatter): string {
  const took = `${formatDuration(a.finished_at - a.started_at)}, ${a.requests} request(s), ${a.response_ms} ms in provider calls`;
  const what = `${a.action} ${a.torrent_id}${a.new_torrent_id ? ` → ${a.new_torrent_id}` : ""}`;
  const error = a.error ? `: ${a.failure ? `${a.failure}: ` : ""}${a.error}` : "";
  return `  ${formatTime(a.started_at, time)}  ${a.outcome.toUpperCase().padEnd(8)} ${what} (${a.trigger}; ${took})${error}`;
}

export function formatHistory(h: RepairHistory, time: TimeFormatter): string[] {
  const lines: string[] = [];
  if (h.candidate) {
    const c = h.candidate;
    lines.push(`${c.filename || c.torrent_id}`);
    lines.push(
      `  candidate #${c.id}: ${c.state}, found ${formatTime(c.found_at, time)} (${c.reason}), ${c.attempts} attempt(s)`,
    );
    if (c.due_at && c.state === "retry") lines.push(`  next attempt: ${formatTime(c.due_at, time)}`);
    if (c.last_error) lines.push(`  last error: ${c.last_error}`);
  }
  if (h.ids.length > 1) lines.push(`  ids: ${h.ids.join(" ← ")}`);
  lines.push(h.attempts.length === 0 ? "  no attempts yet" : `  attempts (${h.attempts.length}):`);
  for (const a of h.attempts) lines.push(formatAttempt(a, time));
  return lines;
}
