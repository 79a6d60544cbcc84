import { z } from "zod";
import { bool, nonNegativeInt, optionalText, positiveInt } from "../fields.ts";

/**
 * Repair settings (issue 5). DRY_RUN lives in core (config.dryRun): repair only logs and shows
 * what it would do until the user sets DRY_RUN=false.
 */

/** The reasons a torrent becomes a repair candidate, in the default priority order. */
export const REPAIR_REASONS = [
  "broken_symlink",
  "link_unavailable",
  "dead",
  "error",
  "magnet_error",
  "virus",
] as const;
export type RepairReason = (typeof REPAIR_REASONS)[number];

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `3h`, `90m`, `45s`, `1d` or a bare number of hours (as RDTM's RETRY_DELAY_HOURS). */
export function parseDuration(input: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/i.exec(input.trim());
  if (!match) return null;
  const unit = DURATION_UNITS[(match[2] || "h").toLowerCase()] as number;
  const ms = Math.round(Number(match[1]) * unit);
  return ms > 0 ? ms : null;
}

const duration = () =>
  optionalText().refine(
    (s) => s === undefined || parseDuration(s) !== null,
    "expected a duration such as 3h, 90m or 45s (a bare number means hours)",
  );

/** A positive integer, or undefined when not set (so an alias can fill in). */
const optionalPositiveInt = () =>
  optionalText()
    .refine((s) => s === undefined || (/^\d+$/.test(s) && Number(s) > 0), "expected a positive integer")
    .transform((s) => (s === undefined ? undefined : Number(s)));

const priorityList = () =>
  optionalText()
    .transform((s) =>
      s === undefined
        ? [...REPAIR_REASONS]
        : s
            .split(",")
            .map((r) => r.trim().toLowerCase())
            .filter((r) => r !== ""),
    )
    .refine(
      (list) => list.every((r) => (REPAIR_REASONS as readonly string[]).includes(r)),
      `expected a comma-separated order of ${REPAIR_REASONS.join(", ")}`,
    );

export const repairSchema = z.object({
  /** Delay before a failed re-injection is tried again. */
  REPAIR_RETRY_DELAY: duration(),
  /** RDTM's name, accepted when REPAIR_RETRY_DELAY is not set (hours). */
  RETRY_DELAY_HOURS: duration(),
  /** Re-injection attempts per torrent before it is failed for good. */
  REPAIR_MAX_ATTEMPTS: optionalPositiveInt(),
  /** RDTM's name, accepted when REPAIR_MAX_ATTEMPTS is not set. */
  MAX_RETRY_ATTEMPTS: optionalPositiveInt(),
  /** Candidates handled per run (each costs ~6 requests of the shared 250/min budget). */
  REPAIR_RUN_LIMIT: positiveInt(25),
  /** Order in which candidates are handled, by the reason they were found. */
  REPAIR_PRIORITY: priorityList(),
  /** Full scan: downloaded torrents whose first link is test-unrestricted per run. */
  REPAIR_FULL_SAMPLE: nonNegativeInt(20),
  /** Re-injections in flight at once (they mostly wait on polls; the limiter caps requests). */
  REPAIR_CONCURRENCY: positiveInt(2),
  /** Pause between status polls of a re-added torrent. */
  REPAIR_POLL_INTERVAL_MS: nonNegativeInt(2000),
  /** Give up waiting for a re-added torrent to reach file selection / the queue after this long. */
  REPAIR_WAIT_TIMEOUT_MS: positiveInt(180_000),
  /**
   * After removing the links of an infringing torrent, only ask Sonarr/Radarr to rescan ("delete
   * only, never search"). false also asks them to search for a replacement.
   */
  REPAIR_DELETE_ONLY: bool(true),
});

export function buildRepair(env: z.infer<typeof repairSchema>) {
  const delay = env.REPAIR_RETRY_DELAY ?? env.RETRY_DELAY_HOURS;
  const priority = env.REPAIR_PRIORITY as RepairReason[];
  // Reasons left out of REPAIR_PRIORITY keep their default order after the listed ones.
  const order = [...new Set([...priority, ...REPAIR_REASONS])];
  return {
    retryDelayMs: delay ? (parseDuration(delay) as number) : 3 * 3_600_000,
    maxAttempts: env.REPAIR_MAX_ATTEMPTS ?? env.MAX_RETRY_ATTEMPTS ?? 3,
    runLimit: env.REPAIR_RUN_LIMIT,
    priority: order,
    fullSample: env.REPAIR_FULL_SAMPLE,
    concurrency: Math.min(env.REPAIR_CONCURRENCY, 32),
    pollIntervalMs: env.REPAIR_POLL_INTERVAL_MS,
    waitTimeoutMs: env.REPAIR_WAIT_TIMEOUT_MS,
    deleteOnly: env.REPAIR_DELETE_ONLY,
  };
}
