import { cronProblem, isOff } from "../config/sections/jobs.ts";
import { deleteSetting, getSetting, setSetting } from "../db/repo/settings.ts";
import type { Deps } from "../deps.ts";
import { ValidationError } from "../errors.ts";
import type { JobDefinition } from "./types.ts";

/**
 * Effective schedule of a job: the /jobs (settings) override stored in SQLite, else the
 * environment (JOB_<NAME>_SCHEDULE), else the job's default.
 */
export interface EffectiveSchedule {
  /** Cron expression, or null when off. */
  expression: string | null;
  source: "default" | "env" | "settings";
  /** Set when the job cannot run at all (its feature is not configured). */
  unavailable: string | null;
}

const settingKey = (job: string) => `jobs.schedule.${job}`;

export function effectiveSchedule(deps: Deps, def: JobDefinition): EffectiveSchedule {
  const unavailable = def.availability?.(deps) ?? null;
  const stored = getSetting<string>(deps.dbh.db, settingKey(def.name));
  const fromEnv = deps.config.jobs.schedules[def.name];
  let raw = def.defaultSchedule;
  let source: EffectiveSchedule["source"] = "default";
  if (typeof stored === "string" && cronProblem(stored, deps.config.jobs.timezone) === null) {
    raw = stored;
    source = "settings";
  } else if (fromEnv !== undefined) {
    raw = fromEnv;
    source = "env";
  }
  return { expression: isOff(raw) || unavailable ? null : raw, source, unavailable };
}

/** Stores (or with null, removes) the override; validated like the environment variable. */
export function saveScheduleOverride(deps: Deps, job: string, value: string | null): void {
  if (value === null || value.trim() === "") {
    deleteSetting(deps.dbh.db, settingKey(job));
    return;
  }
  const trimmed = value.trim().replace(/\s+/g, " ");
  const problem = cronProblem(trimmed, deps.config.jobs.timezone);
  if (problem)
    throw new ValidationError(`invalid schedule for ${job}: ${problem} (use a cron expression or off)`);
  setSetting(deps.dbh.db, settingKey(job), isOff(trimmed) ? "off" : trimmed, deps.clock.now());
}
