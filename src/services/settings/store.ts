import { existsSync } from "node:fs";
import { type Config, configValueProblem, type Env, loadConfig } from "../../config/index.ts";
import { openDatabase } from "../../db/client.ts";
import { deleteSetting, getSetting, setSetting, settingsWithPrefix } from "../../db/repo/settings.ts";
import type { Deps } from "../../deps.ts";
import { formatBytes, formatCount } from "../../lib/format.ts";
import { EDITABLE_SETTINGS, type EditableSetting, humanDuration } from "./editable.ts";

/** Settings page values live under this prefix, keyed by their environment variable. */
const PREFIX = "config.env.";

export type SettingSource = "environment" | "settings" | "default";

export interface SettingRow {
  name: string;
  section: string;
  label: string;
  hint: string;
  secret: boolean;
  choices: readonly string[] | null;
  /** The running value in human units ("3 h", "20 GB", "on"); secrets only say set / not set. */
  shown: string;
  source: SettingSource;
  /** What the field holds: the saved value (never a secret's). */
  saved: string | null;
  /** Saved since the start: the running process still uses `shown` until it restarts. */
  pending: boolean;
}

function human(setting: EditableSetting, value: unknown): string {
  if (setting.secret) return value ? "set (hidden)" : "not set";
  if (setting.unit === "speed" && !value) return "unlimited";
  if (value === undefined || value === null || value === "") return "not set";
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value !== "number") return String(value);
  if (setting.unit === "duration") return humanDuration(value);
  if (setting.unit === "bytes") return formatBytes(value);
  if (setting.unit === "speed") return `${formatBytes(value)}/s`;
  if (setting.unit === "days") return `${formatCount(value)} days`;
  return formatCount(value);
}

/** What a value would show once applied: the same schema and build as at start, over defaults. */
function wouldShow(setting: EditableSetting, raw: string | null): string {
  try {
    return human(
      setting,
      setting.current(loadConfig({}, undefined, raw === null ? {} : { [setting.name]: raw })),
    );
  } catch {
    return "";
  }
}

/** The editable settings as the page shows them, grouped by section in list order. */
export function editableSettings(deps: Deps): Array<{ section: string; rows: SettingRow[] }> {
  const { sources } = deps.config;
  const rows = EDITABLE_SETTINGS.map((setting): SettingRow => {
    const saved = getSetting<string>(deps.dbh.db, PREFIX + setting.name);
    const source: SettingSource = sources.environment.includes(setting.name)
      ? "environment"
      : sources.settings.includes(setting.name)
        ? "settings"
        : "default";
    const storedNow = typeof saved === "string" ? saved : null;
    const shown = human(setting, setting.current(deps.config));
    return {
      name: setting.name,
      section: setting.section,
      label: setting.label,
      hint: setting.hint,
      secret: setting.secret === true,
      choices: setting.choices ?? null,
      shown,
      source,
      saved: setting.secret ? null : storedNow,
      pending: source !== "environment" && wouldShow(setting, storedNow) !== shown,
    };
  });
  const sections = [...new Set(rows.map((r) => r.section))];
  return sections.map((section) => ({ section, rows: rows.filter((r) => r.section === section) }));
}

export interface SaveResult {
  saved: string[];
  /** Refused values by variable, with what was typed (never for a secret). */
  problems: Record<string, { message: string; typed: string }>;
}

/**
 * Validates every submitted value with its variable's own schema field, then stores them all or
 * none. Empty clears a value (back to the default), except for a secret: empty keeps it, and
 * `clear` lists the secrets to remove. Variables the environment sets are left alone.
 */
export function saveEditableSettings(
  deps: Deps,
  form: Record<string, string | undefined>,
  clear: readonly string[] = [],
): SaveResult {
  const result: SaveResult = { saved: [], problems: {} };
  const writes: Array<() => void> = [];
  for (const setting of EDITABLE_SETTINGS) {
    const typed = form[setting.name];
    if (typed === undefined || deps.config.sources.environment.includes(setting.name)) continue;
    const value = typed.trim();
    const key = PREFIX + setting.name;
    if (value === "") {
      if (setting.secret && !clear.includes(setting.name)) continue;
      if (getSetting(deps.dbh.db, key) === undefined) continue;
      writes.push(() => deleteSetting(deps.dbh.db, key));
    } else {
      if (value === getSetting(deps.dbh.db, key)) continue;
      const problem = configValueProblem(setting.name, value);
      if (problem) {
        result.problems[setting.name] = { message: problem, typed: setting.secret ? "" : value };
        continue;
      }
      writes.push(() => setSetting(deps.dbh.db, key, value, deps.clock.now()));
    }
    result.saved.push(setting.name);
  }
  if (Object.keys(result.problems).length > 0) return { saved: [], problems: result.problems };
  deps.dbh.sqlite.transaction(() => {
    for (const write of writes) write();
  })();
  return result;
}

/**
 * The configuration at start: the environment, plus what the settings page saved for variables
 * the environment leaves unset. A saved value the schema now refuses (an upgrade changed the
 * rules) is left out, named in `ignored`, rather than stopping Redriva from starting.
 */
export function loadConfigWithSettings(env: Env): { config: Config; ignored: string[] } {
  const config = loadConfig(env);
  if (!existsSync(config.dbPath)) return { config, ignored: [] };
  const handle = openDatabase(config.dbPath, { migrate: false, readonly: true });
  let saved: Record<string, unknown>;
  try {
    saved = settingsWithPrefix(handle.db, PREFIX);
  } catch {
    // A database from before the settings table: nothing saved yet.
    saved = {};
  } finally {
    handle.close();
  }
  const stored: Env = {};
  const ignored: string[] = [];
  for (const setting of EDITABLE_SETTINGS) {
    const value = saved[setting.name];
    if (typeof value !== "string") continue;
    if (configValueProblem(setting.name, value) === null) stored[setting.name] = value;
    else ignored.push(setting.name);
  }
  if (Object.keys(stored).length === 0) return { config, ignored };
  return { config: loadConfig(env, undefined, stored), ignored };
}
