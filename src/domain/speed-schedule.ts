/**
 * Download speed by time of day (DOWNLOAD_SPEED_SCHEDULE=01:00-07:00=0,07:00-01:00=20MB) and
 * which limit is in force. Pure: the caller gives the minute of the day in the configured zone.
 *
 * A window in force plays the part of qBittorrent's scheduled "alternative speed limits": the
 * qBit API reports speedLimitsMode 1 meanwhile, and toggleSpeedLimitsMode overrides it until the
 * schedule itself changes state (the next window starts or ends), as qBittorrent's scheduler does.
 */

export interface SpeedWindow {
  /** Minutes after midnight; `to` may be smaller than `from` (the window spans midnight). */
  from: number;
  to: number;
  /** Bytes per second; 0 = unlimited. */
  limit: number;
  /** As the user wrote it: "07:00-01:00". */
  label: string;
}

const ENTRY = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*=\s*(.+)$/;

function minutes(hours: string, mins: string): number | null {
  const h = Number(hours);
  const m = Number(mins);
  return h <= 24 && m < 60 && h * 60 + m <= 24 * 60 ? h * 60 + m : null;
}

/** The windows of a schedule, or the reason it cannot be read. `parseSize` reads "20MB", "0". */
export function parseSpeedSchedule(
  text: string,
  parseSize: (value: string) => number | null,
): SpeedWindow[] | string {
  const windows: SpeedWindow[] = [];
  for (const raw of text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = ENTRY.exec(raw);
    if (!match)
      return `"${raw.slice(0, 40)}" is not HH:MM-HH:MM=<speed> (e.g. 01:00-07:00=0,07:00-01:00=20MB)`;
    const [, fh, fm, th, tm, size] = match as unknown as [string, string, string, string, string, string];
    const from = minutes(fh, fm);
    const to = minutes(th, tm);
    const limit = parseSize(size.trim());
    if (from === null || to === null) return `"${raw.slice(0, 40)}": times go from 00:00 to 24:00`;
    if (limit === null)
      return `"${raw.slice(0, 40)}": "${size.trim().slice(0, 20)}" is not a speed (e.g. 0, 500KB, 20MB)`;
    windows.push({
      from: from % (24 * 60),
      to: to % (24 * 60),
      limit,
      label: `${raw.split("=")[0]?.trim()}`,
    });
  }
  return windows;
}

/** The first window containing this minute of the day (a window from a time to the same time is the whole day). */
export function activeWindow(windows: readonly SpeedWindow[], minuteOfDay: number): SpeedWindow | null {
  for (const w of windows) {
    const inside =
      w.from === w.to ||
      (w.from < w.to
        ? minuteOfDay >= w.from && minuteOfDay < w.to
        : minuteOfDay >= w.from || minuteOfDay < w.to);
    if (inside) return w;
  }
  return null;
}

/** A client's toggleSpeedLimitsMode: the mode it asked for, while the schedule stays as it was then. */
export interface ModeOverride {
  alternative: boolean;
  /** The window in force when it was toggled ("" for none). */
  window: string;
}

export interface LimitInputs {
  windows: readonly SpeedWindow[];
  minuteOfDay: number;
  override: ModeOverride | null;
  /** qBittorrent's alt_dl_limit, used for the alternative mode outside any window. */
  alternativeLimit: number;
  /** transfer/setDownloadLimit or app/setPreferences dl_limit (0 or absent: not set). */
  clientLimit: number;
  /** DOWNLOAD_SPEED_LIMIT (or ARIA2_MAX_OVERALL_DOWNLOAD_LIMIT); 0 = unlimited. */
  configuredLimit: number;
}

export type LimitSource = "schedule" | "alternative" | "client" | "configured";

export interface EffectiveLimit {
  /** Bytes per second; 0 = unlimited. */
  limit: number;
  alternative: boolean;
  source: LimitSource;
  window: SpeedWindow | null;
}

export function effectiveDownloadLimit(inputs: LimitInputs): EffectiveLimit {
  const window = activeWindow(inputs.windows, inputs.minuteOfDay);
  const override = inputs.override?.window === (window?.label ?? "") ? inputs.override : null;
  const alternative = override ? override.alternative : window !== null;
  if (alternative)
    return window
      ? { limit: window.limit, alternative, source: "schedule", window }
      : { limit: inputs.alternativeLimit, alternative, source: "alternative", window: null };
  if (inputs.clientLimit > 0) return { limit: inputs.clientLimit, alternative, source: "client", window };
  return { limit: inputs.configuredLimit, alternative, source: "configured", window };
}
