import { formatCount, formatDuration } from "../../lib/format.ts";
import { badgeClass } from "../../lib/status-tone.ts";
import type { TimeFormatter } from "../../lib/time-format.ts";

/** Formatting helpers handed to the repair templates (`it.fmt`), times in the configured zone. */
export function repairFormat(now: number, time: TimeFormatter) {
  const duration = (ms: number) => formatDuration(Math.abs(ms));
  return {
    time(ms: number | null | undefined): string {
      if (ms === null || ms === undefined) return "";
      return time.dateTime(ms, { seconds: false });
    },
    /** "in 2 h 59" / "5 min overdue". */
    due(ms: number | null | undefined): string {
      if (ms === null || ms === undefined) return "";
      return ms >= now ? `in ${duration(ms - now)}` : `${duration(now - ms)} overdue`;
    },
    hours(ms: number): string {
      return duration(ms);
    },
    /** The shared badge class (app.css) of a candidate state or attempt outcome. */
    badge: badgeClass,
    count: formatCount,
  };
}
