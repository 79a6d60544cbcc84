import { cronInWords, untilInWords } from "../../lib/cron-words.ts";
import { formatCount, formatDuration } from "../../lib/format.ts";
import { badgeClass } from "../../lib/status-tone.ts";
import type { TimeFormatter } from "../../lib/time-format.ts";

/** Formatting helpers handed to the jobs templates (`it.fmt`). */
export function jobsFormat(time: TimeFormatter, now: number) {
  return {
    /** "every 15 minutes" beside the cron, or null when it has no simple wording. */
    cronWords: cronInWords,
    /** The next run from now: "in 4 min". */
    until(iso: string): string {
      return untilInWords(Date.parse(iso), now);
    },
    /** ISO -> "2026-03-01 04:30:00" in the configured time zone (the one cron expressions use). */
    time(iso: string): string {
      return time.dateTime(iso);
    },
    /** The shared badge class (app.css) of a run status. */
    badge: badgeClass,
    /** 12,345: thousands separators, as everywhere. */
    count: formatCount,
    duration(ms: number | null): string {
      return ms === null ? "" : formatDuration(ms);
    },
  };
}
