/**
 * Times as people read them, in the one configured time zone (JOBS_TIMEZONE, else the process
 * time zone, TZ): /jobs, the run's report, repair and symlink pages and the CLI all show the
 * same clock the schedules run on. Durations: formatDuration in format.ts.
 */
export interface TimeFormatter {
  /** The IANA name times are shown in ("Europe/Paris", "UTC"). */
  readonly zone: string;
  /** "2026-03-01 04:30:00" (or "2026-03-01 04:30" without seconds); "" for an invalid time. */
  dateTime(value: number | string | Date, options?: { seconds?: boolean }): string;
  /** "04:30:00". */
  clock(value: number | string | Date): string;
}

/** Throws a RangeError for a name Intl does not know (config validates it first). */
export function timeFormatter(timeZone?: string): TimeFormatter {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: timeZone || undefined,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  const zone = format.resolvedOptions().timeZone;
  const parts = (value: number | string | Date): Record<string, string> | null => {
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime())) return null;
    const out: Record<string, string> = {};
    for (const part of format.formatToParts(date)) out[part.type] = part.value;
    return out;
  };
  return {
    zone,
    dateTime(value, options = {}) {
      const p = parts(value);
      if (!p) return "";
      const day = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
      return options.seconds === false ? day : `${day}:${p.second}`;
    },
    clock(value) {
      const p = parts(value);
      return p ? `${p.hour}:${p.minute}:${p.second}` : "";
    },
  };
}

/** The formatter of the configured zone: JOBS_TIMEZONE (validated by config), else TZ. */
export function configuredTime(config: { jobs: { timezone?: string } }): TimeFormatter {
  return timeFormatter(config.jobs.timezone);
}
