import { z } from "zod";
import { bool, httpUrl, positiveInt, secret } from "../fields.ts";
import { arrImportFields, buildArrImports } from "./arr-imports.ts";
import { arrInstanceFields, buildArrInstances, unknownArrInstances } from "./arr-instances.ts";

/**
 * Sonarr / Radarr connections. These are the defaults; the Symlinks settings tab can override
 * them (stored in SQLite, see src/services/arr/settings.ts).
 */
/** `SONARR_URL=` (empty, as in .env.example) means "not set", not "invalid URL". */
const optionalUrl = () =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), httpUrl());

export const arrSchema = z
  .object({
    SONARR_URL: optionalUrl(),
    SONARR_API_KEY: secret(),
    RADARR_URL: optionalUrl(),
    RADARR_API_KEY: secret(),
    ARR_TIMEOUT_MS: positiveInt(10_000),
    /** Commands per minute sent to one *arr instance (rescans are heavy for them). */
    ARR_COMMANDS_PER_MINUTE: positiveInt(30),
    /** Above this many distinct series/movies, one library-wide rescan replaces the per-item ones. */
    ARR_FULL_RESCAN_THRESHOLD: positiveInt(50),
    /** Never ask Sonarr/Radarr to search for releases, whatever a feature requests. */
    ARR_NEVER_SEARCH: bool(false),
    ...arrInstanceFields,
    ...arrImportFields,
  })
  .superRefine((env, ctx) => {
    const unknown = unknownArrInstances(env.ARR_CATEGORIES, buildArrInstances(env));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["ARR_CATEGORIES"],
        message: `names ${unknown.join(", ")}, which no SONARR_URL_N/RADARR_URL_N configures`,
      });
    }
  });

export function buildArr(env: z.infer<typeof arrSchema>) {
  return {
    sonarr: {
      url: env.SONARR_URL,
      apiKey: env.SONARR_API_KEY,
      enabled: Boolean(env.SONARR_URL && env.SONARR_API_KEY),
    },
    radarr: {
      url: env.RADARR_URL,
      apiKey: env.RADARR_API_KEY,
      enabled: Boolean(env.RADARR_URL && env.RADARR_API_KEY),
    },
    timeoutMs: env.ARR_TIMEOUT_MS,
    commandsPerMinute: env.ARR_COMMANDS_PER_MINUTE,
    fullRescanThreshold: env.ARR_FULL_RESCAN_THRESHOLD,
    neverSearch: env.ARR_NEVER_SEARCH,
    /** Instances 2..9 (SONARR_URL_2...); the first of each kind is `sonarr`/`radarr` above. */
    instances: buildArrInstances(env),
    /** ARR_CATEGORIES: category → instance id, over what each *arr's download clients say. */
    categories: env.ARR_CATEGORIES,
    /** 0: Redriva's own PORT. */
    downloadClientPort: env.ARR_DOWNLOAD_CLIENT_PORT,
    routesRefreshMs: env.ARR_ROUTES_REFRESH_MS,
    /** ARR_IMPORT_CHECK_MS, ARR_IMPORT_WATCH_HOURS (in ms). */
    imports: buildArrImports(env),
  };
}
