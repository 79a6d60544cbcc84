import type { z } from "zod";
import { withAccounts, withConfiguredAccounts } from "../providers/accounts.ts";
import type { ProviderDescriptor } from "../providers/descriptor.ts";
import { PROVIDERS } from "../providers/list.ts";
import { arrSchema, buildArr } from "./sections/arr.ts";
import { ARR_INSTANCE_SECRETS } from "./sections/arr-instances.ts";
import { arrReplaceSchema, buildArrReplace } from "./sections/arr-replace.ts";
import { buildCore, coreSchema } from "./sections/core.ts";
import { buildDav, davSchema } from "./sections/dav.ts";
import { type DebridConfig, debridSection } from "./sections/debrid.ts";
import { buildDownloads, downloadsSchema } from "./sections/downloads.ts";
import { buildJobs, jobsSchema } from "./sections/jobs.ts";
import { buildNotifications, notificationsSection } from "./sections/notifications.ts";
import { buildRepair, repairSchema } from "./sections/repair.ts";
import { buildSymlinks, symlinksSchema } from "./sections/symlinks.ts";

export type Env = Record<string, string | undefined>;

/** Names whose values must never be printed, even in a validation error (plus the providers'). */
const SECRET_KEYS: readonly string[] = [
  "REDRIVA_PASSWORD",
  "SONARR_API_KEY",
  "RADARR_API_KEY",
  "DISCORD_WEBHOOK_URL",
  "WEBHOOK_URL",
  "TELEGRAM_BOT_TOKEN",
  "NTFY_URL",
  "NTFY_TOKEN",
  "SMTP_URL",
  "APPRISE_URL",
  "APPRISE_TARGETS",
  ...ARR_INSTANCE_SECRETS,
];

function section<S extends z.ZodObject, R>(schema: S, build: (value: z.infer<S>) => R) {
  return { schema, build };
}

/** The sections; the debrid one and category routing follow the list of providers. */
function sections(providers: readonly ProviderDescriptor[]) {
  return {
    core: section(coreSchema, buildCore),
    debrid: debridSection(providers),
    jobs: section(jobsSchema, buildJobs),
    repair: section(repairSchema, buildRepair),
    arr: section(arrSchema, buildArr),
    arrReplace: section(arrReplaceSchema, buildArrReplace),
    symlinks: section(symlinksSchema, buildSymlinks),
    downloads: section(downloadsSchema(providers.map((p) => p.kind)), buildDownloads),
    notifications: section(notificationsSection, buildNotifications),
    dav: section(davSchema, buildDav),
  };
}

export type Config = ReturnType<typeof buildCore> &
  DebridConfig & {
    jobs: ReturnType<typeof buildJobs>;
    repair: ReturnType<typeof buildRepair>;
    arr: ReturnType<typeof buildArr>;
    arrReplace: ReturnType<typeof buildArrReplace>;
    symlinks: ReturnType<typeof buildSymlinks>;
    downloads: ReturnType<typeof buildDownloads>;
    notifications: ReturnType<typeof buildNotifications>;
    dav: ReturnType<typeof buildDav>;
    sources: ConfigSources;
    /**
     * The same environment with other /settings values over it (not enumerable: never logged or
     * shown). Absent on a config not made by loadConfig.
     */
    readonly rebuild?: (stored: Env) => Config;
  };

/** Where the values came from: names only, never values (the settings page says which is which). */
export interface ConfigSources {
  /** Variables set (non-empty) in the environment or .env: the defaults of the settings page. */
  environment: readonly string[];
  /** Variables taken from the settings page (stored in SQLite): they win over the environment. */
  settings: readonly string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Alternative names users already have in their .env files (from the tools Redriva replaces). */
function withAliases(env: Env, providers: readonly ProviderDescriptor[]): Env {
  const merged: Env = { ...env };
  for (const [name, aliases] of providers.flatMap((p) => Object.entries(p.aliases))) {
    if (merged[name] === undefined || merged[name] === "") {
      const alias = aliases.find((a) => merged[a] !== undefined && merged[a] !== "");
      if (alias) merged[name] = merged[alias];
    }
  }
  return merged;
}

function describeValue(key: string, value: string | undefined, secrets: ReadonlySet<string>): string {
  if (value === undefined) return "nothing";
  if (secrets.has(key)) return "a value (hidden)";
  return JSON.stringify(value);
}

/**
 * Parses and validates the whole configuration once. Bun has already merged `.env` into the
 * environment by the time this runs. Throws a ConfigError listing one line per problem:
 * `RD_RATE_LIMIT: expected a positive integer, got "abc"`. `providers`: the list to configure
 * (tests add a throwaway one to prove nothing else needs an edit).
 */
export function loadConfig(rawEnv: Env = process.env, baseProviders = PROVIDERS, stored: Env = {}): Config {
  // Account 2 to 9 of a provider (RD_API_TOKEN_2...) join the list as providers of their own.
  const providers = withAccounts(baseProviders, rawEnv);
  const isSet = (name: string) => rawEnv[name] !== undefined && rawEnv[name] !== "";
  // Values saved on the settings page win over the environment, which stays their default.
  const fromSettings = Object.keys(stored).filter((name) => stored[name] !== undefined);
  const env = withAliases(
    { ...rawEnv, ...Object.fromEntries(fromSettings.map((name) => [name, stored[name]])) },
    providers,
  );
  const secrets = new Set([...SECRET_KEYS, ...providers.flatMap((p) => p.secretVariables)]);
  const problems: string[] = [];
  const built: Record<string, unknown> = {};
  for (const [name, { schema, build }] of Object.entries(sections(providers))) {
    // jitless: zod would compile a fast path (new Function) for each section on its first parse;
    // the configuration is parsed once, so that compile only costs start-up time and memory.
    const result = schema.safeParse(env, { jitless: true });
    if (!result.success) {
      for (const issue of result.error.issues) {
        const key = String(issue.path[0] ?? name);
        problems.push(`${key}: ${issue.message}, got ${describeValue(key, env[key], secrets)}`);
      }
      continue;
    }
    built[name] = (build as (v: unknown) => unknown)(result.data);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // Not frozen: /settings applies a change by assigning the rebuilt sections in place (live.ts).
  const config = {
    ...(built.core as object),
    ...(built.debrid as object),
    jobs: built.jobs,
    repair: built.repair,
    arr: built.arr,
    arrReplace: built.arrReplace,
    symlinks: built.symlinks,
    downloads: built.downloads,
    notifications: built.notifications,
    dav: built.dav,
    sources: Object.freeze({
      environment: Object.freeze(variableNames(providers).filter(isSet)),
      settings: Object.freeze(fromSettings),
    }),
  } as Config;
  Object.defineProperty(config, "rebuild", {
    value: (next: Env) => loadConfig(rawEnv, baseProviders, next),
    enumerable: false,
  });
  return config;
}

/** Every environment variable the configuration reads. */
function variableNames(providers: readonly ProviderDescriptor[]): string[] {
  return Object.values(sections(providers)).flatMap(({ schema }) => Object.keys(schema.shape));
}

/**
 * What is wrong with one variable's value, checked by that variable's own field of the schema
 * the environment is validated with (null when it is fine); for the settings page.
 */
export function configValueProblem(name: string, value: string, providers = PROVIDERS): string | null {
  for (const { schema } of Object.values(sections(providers))) {
    const field = (schema.shape as Record<string, z.ZodType>)[name];
    if (!field) continue;
    const result = field.safeParse(value);
    return result.success ? null : (result.error.issues[0]?.message ?? "invalid value");
  }
  return `${name} is not a setting Redriva reads`;
}

const MASK = "••••••";

/**
 * The effective configuration with every secret replaced, for logs and the settings page: the
 * providers' declared secret fields, and any key that looks like a secret.
 */
export function redactConfig(
  config: Config,
  providers: readonly ProviderDescriptor[] = withConfiguredAccounts(PROVIDERS, config),
): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...config.providers };
  for (const p of providers) {
    const settings = config.providers[p.kind];
    if (!settings) continue;
    masked[p.kind] = {
      ...settings,
      ...Object.fromEntries(p.secretFields.filter((f) => settings[f]).map((f) => [f, MASK])),
    };
  }
  return JSON.parse(
    JSON.stringify({ ...config, providers: masked }, (key, value) =>
      /token|password|apikey|api_key|secret|webhook|smtpurl|topicurl|apprise/i.test(key) &&
      typeof value === "string" &&
      value
        ? MASK
        : value,
    ),
  );
}
