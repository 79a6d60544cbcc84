import type { TimeFormatter } from "../lib/time-format.ts";
import type { LogLevel } from "./types.ts";

const HEAD = 100;
const MAX = 1000;

/**
 * The log of one run, bounded: the first 100 lines (how it started) and the latest ones, with
 * a marker saying how many were dropped between. A sync of 100,000 torrents must not grow a row
 * without limit.
 */
export class RunLog {
  private readonly lines: string[] = [];
  private omitted = 0;

  /** `time`: lines carry the clock of the configured zone, like the rest of the run's report. */
  constructor(
    private readonly now: () => number,
    private readonly time: TimeFormatter,
  ) {}

  add(line: string, level: LogLevel = "info"): void {
    const time = this.time.clock(this.now());
    const prefix = level === "info" ? "" : `${level.toUpperCase()} `;
    // One entry per line: a multi-line message keeps the log readable line by line.
    for (const part of line.split(/\r?\n/)) {
      this.lines.push(`${time} ${prefix}${part}`);
      if (this.lines.length > MAX) {
        this.lines.splice(HEAD, 1);
        this.omitted++;
      }
    }
  }

  all(): string[] {
    if (this.omitted === 0) return [...this.lines];
    return [...this.lines.slice(0, HEAD), `… ${this.omitted} lines omitted …`, ...this.lines.slice(HEAD)];
  }

  text(): string {
    return this.all().join("\n");
  }
}
