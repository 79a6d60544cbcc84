import { accessSync, constants, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { getSetting, setSetting } from "../../db/repo/settings.ts";
import type { Deps } from "../../deps.ts";
import { ValidationError } from "../../errors.ts";

const KEY = "symlinks";

/** The checker's effective settings: saved from the Settings tab, else the environment's. */
export interface SymlinkSettings {
  mediaRoot: string | undefined;
  workers: number;
  ffprobeTimeoutMs: number;
  minSizeBytes: number;
  historyKeep: number;
}

export const SETTINGS_LIMITS = {
  workers: { min: 1, max: 64 },
  ffprobeTimeoutMs: { min: 500, max: 600_000 },
  minSizeBytes: { min: 0, max: 100 * 1024 * 1024 },
  historyKeep: { min: 1, max: 100 },
} as const;

export function getSymlinkSettings(deps: Pick<Deps, "config" | "dbh">): SymlinkSettings {
  const env = deps.config.symlinks;
  const saved = getSetting<Partial<SymlinkSettings>>(deps.dbh.db, KEY) ?? {};
  return {
    mediaRoot: saved.mediaRoot ?? env.mediaRoot,
    workers: saved.workers ?? env.workers,
    ffprobeTimeoutMs: saved.ffprobeTimeoutMs ?? env.ffprobeTimeoutMs,
    minSizeBytes: saved.minSizeBytes ?? env.minSizeBytes,
    historyKeep: saved.historyKeep ?? env.historyKeep,
  };
}

const int = (name: keyof typeof SETTINGS_LIMITS) =>
  z.coerce
    .number({ error: `${name}: expected a number` })
    .int(`${name}: expected a whole number`)
    .min(SETTINGS_LIMITS[name].min, `${name}: at least ${SETTINGS_LIMITS[name].min}`)
    .max(SETTINGS_LIMITS[name].max, `${name}: at most ${SETTINGS_LIMITS[name].max}`);

export const settingsInput = z
  .object({
    mediaRoot: z.string().trim().max(4096).optional(),
    workers: int("workers").optional(),
    ffprobeTimeoutMs: int("ffprobeTimeoutMs").optional(),
    minSizeBytes: int("minSizeBytes").optional(),
    historyKeep: int("historyKeep").optional(),
  })
  .strict();

/** Why a media root cannot be used, or null when it can (exists, is a folder, readable). */
export function mediaRootProblem(path: string): string | null {
  if (!isAbsolute(path)) return "the media root must be an absolute path";
  if (path.includes("\0")) return "the media root contains a NUL byte";
  try {
    if (!statSync(path).isDirectory()) return `${path} is not a folder`;
  } catch {
    return `${path} does not exist`;
  }
  try {
    accessSync(path, constants.R_OK | constants.X_OK);
  } catch {
    return `${path} is not readable by Redriva`;
  }
  return null;
}

/** Validates and saves the fields given; returns the effective settings. */
export function saveSymlinkSettings(
  deps: Pick<Deps, "config" | "dbh" | "clock">,
  input: unknown,
): SymlinkSettings {
  const parsed = settingsInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message =
      issue?.code === "unrecognized_keys"
        ? `unknown setting: ${issue.keys.join(", ")}`
        : (issue?.message ?? "invalid");
    throw new ValidationError(message);
  }
  const next = { ...getSymlinkSettings(deps) };
  const data = parsed.data;
  if (data.mediaRoot !== undefined && data.mediaRoot !== "") {
    const problem = mediaRootProblem(data.mediaRoot);
    if (problem) throw new ValidationError(`mediaRoot: ${problem}`);
    next.mediaRoot = resolve(data.mediaRoot);
  }
  if (data.workers !== undefined) next.workers = data.workers;
  if (data.ffprobeTimeoutMs !== undefined) next.ffprobeTimeoutMs = data.ffprobeTimeoutMs;
  if (data.minSizeBytes !== undefined) next.minSizeBytes = data.minSizeBytes;
  if (data.historyKeep !== undefined) next.historyKeep = data.historyKeep;
  setSetting(deps.dbh.db, KEY, next, deps.clock.now());
  return next;
}
