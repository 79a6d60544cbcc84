import { formatCount, formatDuration } from "../../lib/format.ts";
import { badgeClass } from "../../lib/status-tone.ts";
import type { TimeFormatter } from "../../lib/time-format.ts";
import { PROBLEM_LABELS, PROBLEM_TYPES, type ScanProgress } from "../../services/symlinks/index.ts";

/** Formatting helpers handed to the symlinks templates as `it.fmt`. */
export function symlinkFormat(time: TimeFormatter) {
  return {
    count: (n: number) => formatCount(n),
    duration: (ms: number | null | undefined) => (ms === null || ms === undefined ? "—" : formatDuration(ms)),
    date: (ms: number | null | undefined) => (ms ? time.dateTime(ms) : "—"),
    percent: (done: number, total: number) =>
      total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0,
    badge: badgeClass,
    status: (status: ScanProgress["status"]) => status.replace(/_/g, " "),
    phase: (phase: ScanProgress["phase"]) =>
      ({
        walk: "Listing folders",
        phase1: "Phase 1: links and files",
        phase2: "Phase 2: ffprobe",
        delete: "Deleting",
        rescan: "Sonarr/Radarr rescans",
        done: "Done",
      })[phase] ?? phase,
    types: PROBLEM_TYPES,
    label: (type: string) => PROBLEM_LABELS[type as keyof typeof PROBLEM_LABELS] ?? type,
  };
}
