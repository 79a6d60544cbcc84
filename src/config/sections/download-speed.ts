import { parseSpeedSchedule, type SpeedWindow } from "../../domain/speed-schedule.ts";
import { optionalText, parseByteSize } from "../fields.ts";

/** A speed: a size per second ("20MB", "20MB/s", "500KB"); 0 means unlimited. */
export function parseSpeed(value: string): number | null {
  return parseByteSize(value.replace(/\/s$/i, ""));
}

const speed = () =>
  optionalText()
    .refine(
      (s) => s === undefined || parseSpeed(s) !== null,
      "expected a speed such as 20MB (per second) or 0 for unlimited",
    )
    .transform((s) => (s === undefined ? undefined : (parseSpeed(s) as number)));

const schedule = () =>
  optionalText()
    .superRefine((s, ctx) => {
      if (s === undefined) return;
      const parsed = parseSpeedSchedule(s, parseSpeed);
      if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
    })
    .transform((s) => (s === undefined ? [] : (parseSpeedSchedule(s, parseSpeed) as SpeedWindow[])));

/** Download speed: a global limit and a schedule by time of day (in JOBS_TIMEZONE, else TZ). */
export const downloadSpeedFields = () => ({
  DOWNLOAD_SPEED_LIMIT: speed(),
  DOWNLOAD_SPEED_SCHEDULE: schedule(),
});

export function buildDownloadSpeed(env: {
  DOWNLOAD_SPEED_LIMIT: number | undefined;
  DOWNLOAD_SPEED_SCHEDULE: SpeedWindow[];
}) {
  return {
    /** Bytes per second, 0 = unlimited; undefined: ARIA2_MAX_OVERALL_DOWNLOAD_LIMIT or the profile's. */
    limit: env.DOWNLOAD_SPEED_LIMIT,
    schedule: env.DOWNLOAD_SPEED_SCHEDULE,
  };
}
