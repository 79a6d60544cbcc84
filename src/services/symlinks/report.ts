import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import {
  countProblemsByType,
  getScan,
  iterateProblems,
  type SymlinkProblemRow,
} from "../../db/repo/symlinks.ts";
import type { Deps } from "../../deps.ts";
import { formatDuration } from "../../lib/format.ts";
import { PROBLEM_LABELS, PROBLEM_TYPES, type ProblemType } from "./check.ts";
import { progressFromRow } from "./progress.ts";

/** Rows written into one report; the full list stays in the database and the API. */
const MAX_ROWS = 20_000;

export function reportsDir(deps: Pick<Deps, "config">): string {
  return join(deps.config.dataDir, "reports", "symlinks");
}

export function reportPathFor(deps: Pick<Deps, "config">, scanId: number): string {
  return join(reportsDir(deps), `scan-${scanId}.html`);
}

export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] as string,
  );
}

/**
 * Writes the static report of a scan: one self-contained HTML file (inline CSS, no script),
 * every name escaped. Written atomically (temp file + rename). Returns its path.
 */
export function writeScanReport(deps: Pick<Deps, "config" | "dbh" | "clock">, scanId: number): string {
  const row = getScan(deps.dbh.db, scanId);
  if (!row) throw new Error(`scan ${scanId} not found`);
  const p = progressFromRow(row, deps.clock.now());
  const byType = countProblemsByType(deps.dbh.db, scanId);
  const total = Object.values(byType).reduce((a, b) => a + b, 0);
  const shown = Math.min(total, MAX_ROWS);
  const summary = PROBLEM_TYPES.map(
    (t) => `<tr><th>${escapeHtml(PROBLEM_LABELS[t])}</th><td>${byType[t] ?? 0}</td></tr>`,
  ).join("");

  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Redriva symlink scan #${p.scanId}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:1.5rem;color:#1d2328;background:#fff}
h1{font-size:1.4rem}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
.path{font-family:ui-monospace,monospace;word-break:break-all}.muted{color:#57606a}
.t-broken td:first-child,.t-corrupt td:first-child{color:#b42318}.t-empty td:first-child,.t-timeout td:first-child{color:#9a6700}
</style></head><body>
<h1>Symlink scan #${p.scanId}</h1>
<p class="muted">Redriva · ${escapeHtml(new Date(p.startedAt).toISOString())} · ${escapeHtml(p.mode)} · ${escapeHtml(p.depth)} · status ${escapeHtml(p.status)}${p.error ? ` · ${escapeHtml(p.error)}` : ""}</p>
<table>
<tr><th>Media root</th><td class="path">${escapeHtml(p.root)}</td></tr>
<tr><th>Folders</th><td class="path">${escapeHtml(p.paths.length ? p.paths.join(", ") : "(whole root)")}</td></tr>
<tr><th>Checked (phase 1)</th><td>${p.done} of ${p.total}</td></tr>
<tr><th>Probed (phase 2)</th><td>${p.depth === "full" ? `${p.phase2Done} of ${p.phase2Total}` : "not run (basic)"}</td></tr>
<tr><th>Duration</th><td>${escapeHtml(formatDuration(p.elapsedMs))}</td></tr>
<tr><th>Deleted</th><td>${p.deleted}${p.deleteFailed ? ` (${p.deleteFailed} failed)` : ""}</td></tr>
<tr><th>Sonarr/Radarr rescans</th><td>${p.rescans}</td></tr>
</table>
<h2>Problems (${total})</h2>
<table>${summary}</table>
${total > shown ? `<p class="muted">First ${shown} of ${total} shown; the full list is in Redriva.</p>` : ""}
<table><thead><tr><th>Type</th><th>Path</th><th>Kind</th><th>Link target</th><th>Detail</th><th>Action</th></tr></thead>
<tbody>
`;
  const path = reportPathFor(deps, scanId);
  mkdirSync(reportsDir(deps), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  const fd = openSync(temp, "w");
  try {
    writeSync(fd, html);
    let chunk: string[] = [];
    for (const problem of iterateProblems(deps.dbh, scanId, MAX_ROWS)) {
      chunk.push(problemRow(problem));
      if (chunk.length >= 1000) {
        writeSync(fd, `${chunk.join("\n")}\n`);
        chunk = [];
      }
    }
    writeSync(fd, `${chunk.join("\n")}\n</tbody></table>\n</body></html>\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  return path;
}

function problemRow(pr: SymlinkProblemRow): string {
  const state = pr.deleted_at ? "deleted" : pr.delete_error ? `not deleted: ${pr.delete_error}` : "";
  const label = PROBLEM_LABELS[pr.type as ProblemType] ?? pr.type;
  return `<tr class="t-${escapeHtml(pr.type)}"><td>${escapeHtml(label)}</td><td class="path">${escapeHtml(pr.path)}</td><td>${escapeHtml(pr.kind)}</td><td class="path">${escapeHtml(pr.target ?? "")}</td><td>${escapeHtml(pr.detail ?? "")}</td><td>${escapeHtml(state)}</td></tr>`;
}

export function removeScanReport(path: string | null): void {
  if (path) rmSync(path, { force: true });
}
