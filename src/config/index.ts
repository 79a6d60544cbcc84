import type { z } from "zod";
import { arrSchema, buildArr } from "./sections/arr.ts";
import { buildCore, coreSchema } from "./sections/core.ts";
import { buildDebrid, debridSchema } from "./sections/debrid.ts";
import { buildDownloads, downloadsSchema } from "./sections/downloads.ts";
import { buildJobs, jobsSchema } from "./sections/jobs.ts";
import { buildNotifications, notificationsSchema } from "./sections/notifications.ts";
import { buildRepair, repairSchema } from "./sections/repair.ts";
import { buildSymlinks, symlinksSchema } from "./sections/symlinks.ts";

export type Env = Record<string, string | undefined>;

/** Alternative names users already have in their .env files (from the tools Redriva replaces). */
const ALIASES: Record<string, string[]> = {
  RD_API_TOKEN: ["RD_TOKEN"],
  AD_API_KEY: ["ALLDEBRID_API_KEY"],
};

/** Names whose values must never be printed, even in a validation error. */
export const SECRET_KEYS = new Set([
  "RD_API_TOKEN",
  "RD_TOKEN",
  "AD_API_KEY",
  "ALLDEBRID_API_KEY",
  "REDRIVA_PASSWORD",
  "SONARR_API_KEY",
  "RADARR_API_KEY",
  "DISCORD_WEBHOOK_URL",
  "WEBHOOK_URL",
]);

function section<S extends z.ZodObject, R>(schema: S, build: (value: z.infer<S>) => R) {
  return { schema, build };
}

const SECTIONS = {
  core: section(coreSchema, buildCore),
  debrid: section(debridSchema, buildDebrid),
  jobs: section(jobsSchema, buildJobs),
  repair: section(repairSchema, buildRepair),
  arr: section(arrSchema, buildArr),
  symlinks: section(symlinksSchema, buildSymlinks),
  downloads: section(downloadsSchema, buildDownloads),
  notifications: section(notificationsSchema, buildNotifications),
};

export type Config = ReturnType<typeof buildCore> &
  ReturnType<typeof buildDebrid> & {
    jobs: ReturnType<typeof buildJobs>;
    repair: ReturnType<typeof buildRepair>;
    arr: ReturnType<typeof buildArr>;
    symlinks: ReturnType<typeof buildSymlinks>;
    downloads: ReturnType<typeof buildDownloads>;
    notifications: ReturnType<typeof buildNotifications>;
  };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join("\n")}`);
    this.name = "ConfigError";
  }
}

function withAliases(env: Env): Env {
  const merged: Env = { ...env };
  for (const [name, aliases] of Object.entries(ALIASES)) {
    if (merged[name] === undefined || merged[name] === "") {
      const alias = aliases.find((a) => merged[a] !== undefined && merged[a] !== "");
      if (alias) merged[name] = merged[alias];
    }
  }
  return merged;
}

function describeValue(key: string, value: string | undefined): string {
  if (value === undefined) return "nothing";
  if (SECRET_KEYS.has(key)) return "a value (hidden)";
  return JSON.stringify(value);
}

/**
 * Parses and validates the whole configuration once. Bun has already merged `.env` into the
 * environment by the time this runs. Throws a ConfigError listing one line per problem:
 * `RD_RATE_LIMIT: expected a positive integer, got "abc"`.
 */
export function loadConfig(rawEnv: Env = process.env): Config {
  const env = withAliases(rawEnv);
  const problems: string[] = [];
  const built: Record<string, unknown> = {};
  for (const [name, { schema, build }] of Object.entries(SECTIONS)) {
    const result = schema.safeParse(env);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const key = String(issue.path[0] ?? name);
        problems.push(`${key}: ${issue.message}, got ${describeValue(key, env[key])}`);
      }
      continue;
    }
    built[name] = (build as (v: unknown) => unknown)(result.data);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    ...(built.core as object),
    ...(built.debrid as object),
    jobs: built.jobs,
    repair: built.repair,
    arr: built.arr,
    symlinks: built.symlinks,
    downloads: built.downloads,
    notifications: built.notifications,
  }) as Config;
}

/** The effective configuration with every secret replaced, for logs and the settings page. */
export function redactConfig(config: Config): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(config, (key, value) =>
      /token|password|apikey|api_key|secret|webhook/i.test(key) && typeof value === "string" && value
        ? "••••••"
        : value,
    ),
  );
}
