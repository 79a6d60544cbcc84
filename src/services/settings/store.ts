import { existsSync } from "node:fs";
import { type Config, ConfigError, configValueProblem, type Env, loadConfig } from "../../config/index.ts";
import { ARR_INSTANCE_VARIABLES } from "../../config/sections/arr-instances.ts";
import type { Db } from "../../db/client.ts";
import { openDatabase } from "../../db/client.ts";
import { deleteSetting, setSetting, settingsWithPrefix } from "../../db/repo/settings.ts";
import type { Deps } from "../../deps.ts";
import { formatBytes, formatCount } from "../../lib/format.ts";
import { EDITABLE_SETTINGS, type EditableSetting, humanDuration } from "./editable.ts";

/** Settings page values live under this prefix, keyed by their environment variable. */
const PREFIX = "config.env.";

export type SettingSource = "environment" | "settings" | "default";

/** Every variable /settings may store: the editable list and the *arr instances 2..9 (arr-settings.ts). */
export const STORABLE_VARIABLES: readonly string[] = [
  ...EDITABLE_SETTINGS.map((s) => s.name),
  ...ARR_INSTANCE_VARIABLES,
];

export interface SettingRow {
  name: string;
  section: string;
  label: string;
  hint: string;
  secret: boolean;
  choices: readonly string[] | null;
  /** The running value in human units ("3 h", "20 GB", "on"); secrets only say set / not set. */
  shown: string;
  /** Which value is in effect: saved here (over the environment's), the environment's, or the default. */
  source: SettingSource;
  /** The environment's value (or the default) in human units: what a reset goes back to. */
  environmentShown: string;
  /** The environment sets this variable (a saved value overrides it). */
  inEnvironment: boolean;
  /** What the field holds: the saved value (never a secret's). */
  saved: string | null;
  /** Only applied at the next start (the value running differs from the one saved). */
  pending: boolean;
  appliesAfterRestart: boolean;
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

/** The values saved on /settings that the schema still accepts, and the names of those it refuses. */
export function storedSettings(db: Db): { stored: Env; ignored: string[] } {
  let saved: Record<string, unknown>;
  try {
    saved = settingsWithPrefix(db, PREFIX);
  } catch {
    // A database from before the settings table: nothing saved yet.
    saved = {};
  }
  const stored: Env = {};
  const ignored: string[] = [];
  for (const name of STORABLE_VARIABLES) {
    const value = saved[name];
    if (typeof value !== "string") continue;
    // "" is kept: it unsets what the environment sets (a removed *arr instance).
    if (value === "" || configValueProblem(name, value) === null) stored[name] = value;
    else ignored.push(name);
  }
  return { stored, ignored };
}

/** The editable settings as the page shows them, grouped by section in list order. */
export function editableSettings(deps: Deps): Array<{ section: string; rows: SettingRow[] }> {
  const { stored } = storedSettings(deps.dbh.db);
  const environmentOnly = environmentConfig(deps);
  const rows = EDITABLE_SETTINGS.map((setting): SettingRow => {
    const saved = stored[setting.name];
    const inEnvironment = deps.config.sources.environment.includes(setting.name);
    const source: SettingSource =
      saved !== undefined ? "settings" : inEnvironment ? "environment" : "default";
    const shown = human(setting, setting.current(deps.config));
    const restart = setting.appliesAfterRestart === true || !deps.settings.canApply;
    return {
      name: setting.name,
      section: setting.section,
      label: setting.label,
      hint: setting.hint,
      secret: setting.secret === true,
      choices: setting.choices ?? null,
      shown,
      source,
      environmentShown: environmentOnly ? human(setting, setting.current(environmentOnly)) : "",
      inEnvironment,
      saved: setting.secret ? null : (saved ?? null),
      pending: restart && wouldShow(deps, setting, stored) !== shown,
      appliesAfterRestart: setting.appliesAfterRestart === true,
    };
  });
  const sections = [...new Set(rows.map((r) => r.section))];
  return sections.map((section) => ({ section, rows: rows.filter((r) => r.section === section) }));
}

/** The configuration without anything saved here: the environment and the defaults. */
function environmentConfig(deps: Deps): Config | null {
  try {
    return deps.settings.preview({});
  } catch {
    return null;
  }
}

/** What a setting shows once everything saved is applied (the next start). */
function wouldShow(deps: Deps, setting: EditableSetting, stored: Env): string {
  try {
    const next = deps.settings.preview(stored);
    return next ? human(setting, setting.current(next)) : "";
  } catch {
    return "";
  }
}

/** The settings that only apply at the next start, saved and not yet running (the page's banner). */
export function pendingRestart(deps: Deps): string[] {
  return editableSettings(deps)
    .flatMap((g) => g.rows)
    .filter((r) => r.pending)
    .map((r) => r.name);
}

export interface SaveResult {
  saved: string[];
  /** Refused values by variable, with what was typed (never for a secret). */
  problems: Record<string, { message: string; typed: string }>;
  /** Applied to the running process (false: the next start applies them). */
  applied: boolean;
}

/** A change to the stored values: a string stores it, null removes it (back to the environment's). */
export type StoredChange = Record<string, string | null>;

/**
 * Validates a set of changes as the environment is validated (each variable by its own field,
 * then the whole configuration they make together), stores all of them or none, and applies
 * them to the running process. `secrets` names the variables never echoed in a problem.
 */
export function saveStoredSettings(
  deps: Deps,
  changes: StoredChange,
  secrets: ReadonlySet<string> = new Set(),
): SaveResult {
  const problems: SaveResult["problems"] = {};
  for (const [name, value] of Object.entries(changes)) {
    if (!STORABLE_VARIABLES.includes(name)) {
      problems[name] = { message: `${name} cannot be changed here`, typed: "" };
      continue;
    }
    const problem = value ? configValueProblem(name, value) : null;
    if (problem) problems[name] = { message: problem, typed: secrets.has(name) ? "" : (value ?? "") };
  }
  const { stored } = storedSettings(deps.dbh.db);
  const next: Env = { ...stored };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  if (Object.keys(problems).length === 0) {
    try {
      deps.settings.preview(next);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const line of error.problems) {
        const [, name = "", message = line] = /^(\w+): (.*?)(?:, got .*)?$/.exec(line) ?? [];
        const typed = changes[name];
        problems[name || "configuration"] = {
          message,
          typed: secrets.has(name) || typeof typed !== "string" ? "" : typed,
        };
      }
    }
  }
  if (Object.keys(problems).length > 0) return { saved: [], problems, applied: false };
  const names = Object.keys(changes);
  deps.dbh.sqlite.transaction(() => {
    for (const name of names) {
      const value = changes[name];
      if (value === null || value === undefined) deleteSetting(deps.dbh.db, PREFIX + name);
      else setSetting(deps.dbh.db, PREFIX + name, value, deps.clock.now());
    }
  })();
  const applied = deps.settings.apply(next);
  deps.log.info({ settings: names, applied }, "settings saved on /settings");
  return { saved: names, problems: {}, applied };
}

/**
 * The editable list's form: each typed value (empty, or listed in `reset`, goes back to the
 * environment's value; an empty secret keeps the saved one unless reset). Unchanged values are
 * left out; the rest goes through saveStoredSettings.
 */
export function saveEditableSettings(
  deps: Deps,
  form: Record<string, string | undefined>,
  reset: readonly string[] = [],
): SaveResult {
  const { stored } = storedSettings(deps.dbh.db);
  const changes: StoredChange = {};
  for (const setting of EDITABLE_SETTINGS) {
    const typed = form[setting.name]?.trim();
    const isStored = stored[setting.name] !== undefined;
    if (reset.includes(setting.name) || (typed === "" && !setting.secret)) {
      if (isStored) changes[setting.name] = null;
    } else if (typed && typed !== stored[setting.name]) changes[setting.name] = typed;
  }
  const secrets = new Set(EDITABLE_SETTINGS.filter((s) => s.secret).map((s) => s.name));
  return saveStoredSettings(deps, changes, secrets);
}

/**
 * The configuration at start: the environment, with what the settings page saved over it. A
 * saved value the schema now refuses (an upgrade changed the rules) is left out, named in
 * `ignored`, rather than stopping Redriva from starting.
 */
export function loadConfigWithSettings(env: Env): { config: Config; ignored: string[] } {
  const config = loadConfig(env);
  if (!existsSync(config.dbPath)) return { config, ignored: [] };
  const handle = openDatabase(config.dbPath, { migrate: false, readonly: true });
  let found: { stored: Env; ignored: string[] };
  try {
    found = storedSettings(handle.db);
  } finally {
    handle.close();
  }
  if (Object.keys(found.stored).length === 0) return { config, ignored: found.ignored };
  try {
    return { config: loadConfig(env, undefined, found.stored), ignored: found.ignored };
  } catch (error) {
    // Valid one by one, refused together (an instance the environment no longer has): start without them.
    if (!(error instanceof ConfigError)) throw error;
    return { config, ignored: [...found.ignored, ...Object.keys(found.stored)] };
  }
}
