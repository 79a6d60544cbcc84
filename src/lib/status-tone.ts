/**
 * One colour group per status word, whatever it describes (a torrent, a download, a job run, a
 * repair candidate or attempt, a symlink scan): ok (green), active (blue), warn (amber: waiting
 * on someone, or stopped before its end), failed (red), muted (grey: nothing to act on).
 * Badges draw `badge-<tone>` and progress bars `tone-<tone>` (app.css), so a word looks the same
 * on every page.
 */
export type StatusTone = "ok" | "active" | "warn" | "failed" | "muted";

const WORDS: Record<StatusTone, readonly string[]> = {
  ok: ["downloaded", "succeeded", "completed", "repaired", "replaced", "done", "imported", "ready"],
  active: [
    "queued",
    "downloading",
    "compressing",
    "uploading",
    "running",
    "planned",
    "provider",
    "moving",
    "extracting",
    "hook",
    "retry",
  ],
  warn: [
    "waiting_files_selection",
    "magnet_conversion",
    "awaiting_confirmation",
    "interrupted",
    "paused",
    "pending",
    "deferred",
    "dry_run",
    "held",
    "not_in_queue",
    "no_arr",
  ],
  failed: ["error", "magnet_error", "virus", "dead", "failed", "aborted", "capped"],
  muted: ["cancelled", "skipped", "dismissed", "removed"],
};

const TONE_OF = new Map<string, StatusTone>(
  Object.entries(WORDS).flatMap(([tone, words]) => words.map((w) => [w, tone as StatusTone] as const)),
);

/** The colour group of a status word; a word this list does not know is muted. */
export function statusTone(status: string): StatusTone {
  return TONE_OF.get(status.replaceAll(" ", "_")) ?? "muted";
}

/** The badge class of a status word (app.css). */
export function badgeClass(status: string): string {
  return `badge-${statusTone(status)}`;
}
