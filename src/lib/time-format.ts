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
  /** Minutes since midnight in the zone (04:30 → 270); 0 for an invalid time. */
  minuteOfDay(value: number | string | Date): number;
}

/** Zone offsets are cached per quarter hour: every time-zone transition falls on one. */
const BUCKET_MS = 15 * 60_000;
const MAX_CACHED_BUCKETS = 8192;

/**
 * Throws a RangeError for a name Intl does not know (config validates it first). Without a name
 * (the process time zone), Intl is only loaded on the first time shown: its ICU data is about
 * 5 MB resident, which an idle server never needs.
 */
export function timeFormatter(timeZone?: string): TimeFormatter {
  let built: { format: Intl.DateTimeFormat; zone: string; offsetOf: (ms: number) => number } | undefined;
  const intl = () => {
    if (built) return built;
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
    built = { format, zone: format.resolvedOptions().timeZone, offsetOf: zoneOffsets(format) };
    return built;
  };
  if (timeZone) intl();
  /** The wall clock of `value` in the zone, as a UTC Date (read with the getUTC* methods). */
  const wallClock = (value: number | string | Date): Date | null => {
    const ms = value instanceof Date ? value.getTime() : new Date(value).getTime();
    if (Number.isNaN(ms)) return null;
    return new Date(ms + intl().offsetOf(ms));
  };
  return {
    get zone() {
      return intl().zone;
    },
    dateTime(value, options = {}) {
      const w = wallClock(value);
      if (!w) return "";
      const day = `${year(w)}-${two(w.getUTCMonth() + 1)}-${two(w.getUTCDate())} ${two(w.getUTCHours())}:${two(w.getUTCMinutes())}`;
      return options.seconds === false ? day : `${day}:${two(w.getUTCSeconds())}`;
    },
    clock(value) {
      const w = wallClock(value);
      return w ? `${two(w.getUTCHours())}:${two(w.getUTCMinutes())}:${two(w.getUTCSeconds())}` : "";
    },
    minuteOfDay(value) {
      const w = wallClock(value);
      return w ? w.getUTCHours() * 60 + w.getUTCMinutes() : 0;
    },
  };
}

/**
 * The zone's offset at an instant. Intl's formatToParts costs microseconds and a list page
 * shows fifty dates, so the offset is computed once per quarter hour and kept, unless the
 * quarter hour holds a transition (historical local mean times), then computed each time.
 */
function zoneOffsets(format: Intl.DateTimeFormat): (ms: number) => number {
  const exact = (ms: number): number => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(ms))) p[part.type] = Number(part.value);
    const asUtc = Date.UTC(
      p.year ?? 0,
      (p.month ?? 1) - 1,
      p.day ?? 1,
      p.hour ?? 0,
      p.minute ?? 0,
      p.second ?? 0,
    );
    // Date.UTC maps years 0-99 onto 1900-1999; setUTCFullYear puts them back.
    const fixed = new Date(asUtc);
    fixed.setUTCFullYear(p.year ?? 0);
    return fixed.getTime() - (ms - (((ms % 1000) + 1000) % 1000));
  };
  const cache = new Map<number, number | null>();
  return (ms) => {
    const bucket = Math.floor(ms / BUCKET_MS);
    let offset = cache.get(bucket);
    if (offset === undefined) {
      const first = exact(bucket * BUCKET_MS);
      offset = first === exact(bucket * BUCKET_MS + BUCKET_MS - 1000) ? first : null;
      if (cache.size >= MAX_CACHED_BUCKETS) cache.clear();
      cache.set(bucket, offset);
    }
    return offset ?? exact(ms);
  };
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
const year = (w: Date): string => String(w.getUTCFullYear()).padStart(4, "0");

/** The formatter of the configured zone: JOBS_TIMEZONE (validated by config), else TZ. */
export function configuredTime(config: { jobs: { timezone?: string } }): TimeFormatter {
  return timeFormatter(config.jobs.timezone);
}
