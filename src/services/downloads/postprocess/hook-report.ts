import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { DownloadTorrentRow } from "../../../db/repo/downloads.ts";
import type { Deps } from "../../../deps.ts";
import { reportsDir, writeReportFile } from "../../reports/index.ts";
import { renderRunReport } from "../../reports/render.ts";

/** The command's output kept for its report: the last 64 KB (a chatty command never grows memory). */
export const HOOK_OUTPUT_BYTES = 64 * 1024;

/** The last lines of a command's output, at most `limit` bytes of them. */
export class OutputTail {
  private readonly kept: string[] = [];
  private bytes = 0;
  /** Lines dropped from the front to stay within the limit. */
  dropped = 0;

  constructor(private readonly limit = HOOK_OUTPUT_BYTES) {}

  push(line: string): void {
    // A single line longer than the whole budget keeps its end.
    const text = line.length > this.limit ? line.slice(line.length - this.limit) : line;
    this.kept.push(text);
    this.bytes += Buffer.byteLength(text) + 1;
    while (this.bytes > this.limit && this.kept.length > 1) {
      this.bytes -= Buffer.byteLength(this.kept.shift() as string) + 1;
      this.dropped++;
    }
  }

  lines(): string[] {
    return this.dropped > 0
      ? [`[${this.dropped} earlier lines not kept: the report holds the last 64 KB]`, ...this.kept]
      : [...this.kept];
  }
}

const FOLDER = "on-complete";

export interface HookRun {
  torrent: DownloadTorrentRow;
  command: string;
  startedAt: number;
  finishedAt: number;
  ok: boolean;
  ending: string;
  output: OutputTail;
}

/**
 * The DOWNLOAD_ON_COMPLETE command's report, beside the jobs' (DATA_DIR/reports/on-complete/,
 * served at /reports/on-complete/<file>): how it ended and its whole output (the last 64 KB);
 * the newest REPORTS_KEEP are kept. Returns its path under /reports.
 */
export function writeHookReport(deps: Deps, run: HookRun): string {
  const dir = join(reportsDir(deps.config), FOLDER);
  mkdirSync(dir, { recursive: true });
  const stamp = new Date(run.startedAt).toISOString().replace(/[:T]/g, "-").slice(0, 19);
  const file = `${stamp}_${run.torrent.hash}.html`;
  const html = renderRunReport(
    deps.reportViews,
    {
      runId: Math.floor(run.startedAt / 1000),
      job: "on-complete command",
      description: `DOWNLOAD_ON_COMPLETE (${run.command}) for ${run.torrent.name} (${run.torrent.hash})`,
      trigger: "download finished",
      status: run.ok ? "succeeded" : "failed",
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      counts: {},
      error: run.ok ? null : run.ending,
      summary: run.ok ? run.ending : null,
      sections: [],
      log: run.output.lines(),
      requests: [],
    },
    deps.clock.now(),
    deps.time,
  );
  writeReportFile(join(dir, file), [html]);
  const older = readdirSync(dir)
    .filter((f) => f.endsWith(".html") && f !== file)
    .sort()
    .reverse();
  for (const stale of older.slice(Math.max(0, deps.config.jobs.reportsKeep - 1)))
    rmSync(join(dir, stale), { force: true });
  return `/reports/${FOLDER}/${file}`;
}
