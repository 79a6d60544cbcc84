import { formatBytes, formatCount, formatDuration } from "../../lib/format.ts";
import { statusColor } from "../../lib/status-colors.ts";
import type { TimeFormatter } from "../../lib/time-format.ts";
import { failureReason, statusLabel, statusTone } from "../../services/library-view/filters.ts";

/** The detail page of a library torrent (provider and id: ids are only unique per provider). */
export function torrentUrl(ref: { provider: string; id: string }): string {
  return `/torrents/${encodeURIComponent(ref.provider)}/${encodeURIComponent(ref.id)}`;
}

/** The helpers that do not depend on the configured time zone. */
const helpers = {
  torrentUrl,
  /** The value of a bulk-selection checkbox. */
  torrentToken: (t: { provider: string; id: string }) => `${t.provider}:${t.id}`,
  bytes: (n: number | null | undefined, digits = 1) => formatBytes(n ?? 0, digits),
  /** Axis labels: `2 TB`, `1.5 TB` (no trailing `.0`). */
  axisBytes: (n: number) => formatBytes(n, 1).replace(".0 ", " "),
  count: (n: number | null | undefined) => formatCount(n ?? 0),
  duration: formatDuration,
  label: statusLabel,
  tone: statusTone,
  reason: failureReason,
  /** "3 min ago", "2 d ago". */
  ago(value: string | number | null | undefined, now: number = Date.now()): string {
    if (value === null || value === undefined) return "never";
    const ms = now - new Date(value).getTime();
    if (!Number.isFinite(ms)) return "—";
    if (ms < 60_000) return "just now";
    if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
    if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ago`;
    return `${Math.floor(ms / 86_400_000)} d ago`;
  },
  /** One colour per status for charts (badges use the tone classes). */
  color: statusColor,
  percent: (n: number) => `${(Math.round(n * 10) / 10).toFixed(n >= 100 || Number.isInteger(n) ? 0 : 1)}%`,
  /** Page numbers around the current one, with null for the gaps: 1 … 4 5 [6] 7 8 … 20. */
  pages(current: number, last: number): Array<number | null> {
    const wanted = new Set([1, last, current - 2, current - 1, current, current + 1, current + 2]);
    const list = [...wanted].filter((p) => p >= 1 && p <= last).sort((a, b) => a - b);
    const out: Array<number | null> = [];
    for (const p of list) {
      const prev = out.at(-1);
      if (typeof prev === "number" && p - prev > 1) out.push(null);
      out.push(p);
    }
    return out;
  },
};

/**
 * Formatting helpers every web UI template receives as `it.h`. Dates are shown in the one
 * configured time zone (deps.time), as on /jobs and in reports.
 */
export function viewHelpers(time: TimeFormatter) {
  return {
    ...helpers,
    /** `2026-11-20 15:03` from an ISO string or epoch ms, in the configured zone. */
    date(value: string | number | null | undefined): string {
      if (value === null || value === undefined || value === "") return "—";
      return time.dateTime(value, { seconds: false }) || String(value);
    },
  };
}
