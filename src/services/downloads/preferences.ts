import { getSetting, setSetting } from "../../db/repo/settings.ts";
import type { Deps } from "../../deps.ts";
import { ValidationError } from "../../errors.ts";
import { resolveInside } from "./paths.ts";

/**
 * What clients set through app/setPreferences (and transfer/set*Limit), kept in the settings table
 * so it survives a restart and reads back. Applied where it means something to Redriva:
 * `save_path` is the folder of new torrents without a category or savepath (inside DOWNLOAD_DIR);
 * `dl_limit` is aria2c's global download limit (speed-limit.ts), `up_limit` is only reported. Other keys are kept and read back
 * as set, except those the *arr contract depends on (share limits, queueing, paths of the
 * incomplete folder, the Web UI login), which stay Redriva's.
 */
const KEY = "qbit.preferences";

const FIXED = new Set([
  "max_ratio_enabled",
  "max_ratio",
  "max_ratio_act",
  "max_seeding_time_enabled",
  "max_seeding_time",
  "max_inactive_seeding_time_enabled",
  "max_inactive_seeding_time",
  "queueing_enabled",
  "temp_path_enabled",
  "temp_path",
  "web_ui_username",
  "web_ui_password",
  "web_ui_port",
  "dht",
]);

export type StoredPreferences = Record<string, unknown>;

export function storedPreferences(deps: Deps): StoredPreferences {
  const value = getSetting<StoredPreferences>(deps.dbh.db, KEY);
  return value && typeof value === "object" && !Array.isArray(value) ? value : {};
}

/** Merges `json` (app/setPreferences' `json` parameter) into the stored preferences. */
export function setPreferences(deps: Deps, json: string): void {
  let patch: unknown;
  try {
    patch = JSON.parse(json);
  } catch {
    throw new ValidationError("json is not valid JSON");
  }
  if (!patch || typeof patch !== "object" || Array.isArray(patch))
    throw new ValidationError("json is not an object");
  const next = { ...storedPreferences(deps) };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (FIXED.has(key) || key === "__proto__") continue;
    next[key] = checked(deps, key, value);
  }
  setSetting(deps.dbh.db, KEY, next, deps.clock.now());
}

function checked(deps: Deps, key: string, value: unknown): unknown {
  if (key === "save_path") {
    const path = typeof value === "string" ? resolveInside(deps.config.downloads.dir, value.trim()) : null;
    if (!path)
      throw new ValidationError(`save_path must be inside DOWNLOAD_DIR (${deps.config.downloads.dir})`);
    return path;
  }
  if (key === "dl_limit" || key === "up_limit") return limit(value, key);
  return value;
}

/** A global speed limit in bytes/s; 0 or less means none (qBittorrent stores 0). */
function limit(value: unknown, what: string): number {
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new ValidationError(`${what} is not a number`);
  return Math.max(0, Math.trunc(n));
}

export function setGlobalLimit(deps: Deps, which: "dl_limit" | "up_limit", value: string | undefined): void {
  const next = { ...storedPreferences(deps), [which]: limit(value ?? "", "limit") };
  setSetting(deps.dbh.db, KEY, next, deps.clock.now());
}

/** The default folder of torrents added without category or savepath. */
export function defaultSavePath(deps: Deps): string {
  const saved = storedPreferences(deps).save_path;
  return typeof saved === "string" ? saved : deps.config.downloads.dir;
}
