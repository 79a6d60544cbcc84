import { formatBytes, formatCount, formatDuration } from "../../lib/format.ts";
import { badgeClass } from "../../lib/status-tone.ts";
import type { TimeFormatter } from "../../lib/time-format.ts";
import { PROBLEM_LABELS, PROBLEM_TYPES, type ScanProgress } from "../../services/symlinks/index.ts";

/** The kinds a person filters by: ffprobe's two verdicts are one kind, "ffprobe failure". */
const FINDING_KINDS: ReadonlyArray<{ label: string; types: string[] }> = [
  { label: PROBLEM_LABELS.broken, types: ["broken"] },
  { label: PROBLEM_LABELS.inaccessible, types: ["inaccessible"] },
  { label: PROBLEM_LABELS.empty, types: ["empty"] },
  { label: PROBLEM_LABELS.io_error, types: ["io_error"] },
  { label: "ffprobe failure", types: ["corrupt", "timeout"] },
];

const ENTRY_WORDS: Record<string, string> = { symlink: "link", file: "file", folder: "folder" };

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
    kinds: FINDING_KINDS,
    bytes: (n: number | null | undefined) => (n === null || n === undefined ? "" : formatBytes(n)),
    /** What the finding is: a link, a plain file, a folder that could not be listed. */
    entry: (kind: string) => ENTRY_WORDS[kind] ?? kind,
    label: (type: string) => PROBLEM_LABELS[type as keyof typeof PROBLEM_LABELS] ?? type,
  };
}
