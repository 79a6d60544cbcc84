import { resolve } from "node:path";
import { z } from "zod";
import { providerOrderField } from "../../providers/fallback-order.ts";
import type { ProviderKind } from "../../providers/types.ts";
import { bool, byteSize, oneOf, optionalText, positiveInt, text } from "../fields.ts";
import { buildDownloadMode, downloadModeFields } from "./download-mode.ts";
import { buildDownloadPostprocess, downloadPostprocessFields } from "./download-postprocess.ts";
import { buildDownloadSpeed, downloadSpeedFields } from "./download-speed.ts";
import { buildDownloadStaging, downloadStagingFields } from "./download-staging.ts";

const GIB = 1024 ** 3;
/**
 * `tv-sonarr=realdebrid,radarr=alldebrid` → { "tv-sonarr": "realdebrid", radarr: "alldebrid" };
 * null when a pair is malformed or names a provider not in `kinds`.
 */
export function parseCategoryProviders(
  input: string,
  kinds: readonly ProviderKind[],
): Record<string, ProviderKind> | null {
  const map: Record<string, ProviderKind> = {};
  for (const part of input.split(",").map((p) => p.trim())) {
    if (part === "") continue;
    const eq = part.lastIndexOf("=");
    if (eq <= 0) return null;
    const category = part.slice(0, eq).trim();
    const provider = part
      .slice(eq + 1)
      .trim()
      .toLowerCase();
    if (category === "" || !kinds.includes(provider)) return null;
    map[category] = provider;
  }
  return map;
}

const categoryProviders = (kinds: readonly ProviderKind[]) =>
  z
    .string()
    .optional()
    .transform((s) => s ?? "")
    .refine(
      (s) => parseCategoryProviders(s, kinds) !== null,
      `expected category=provider pairs with a provider among ${kinds.join(", ")} (tv-sonarr=${kinds[0]})`,
    )
    .transform((s) => parseCategoryProviders(s, kinds) as Record<string, ProviderKind>);

const optionalSize = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((s) => (s === undefined || s === "" ? undefined : s))
    .pipe(byteSize(0).transform((n) => n as number | undefined))
    .optional();

/** A positive integer that stays undefined when unset (an override of a profile value). */
const optionalCount = (max: number) =>
  z
    .string()
    .trim()
    .optional()
    .refine((s) => s === undefined || s === "" || (/^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= max), {
      message: `expected a whole number from 1 to ${max}`,
    })
    .transform((s) => (s === undefined || s === "" ? undefined : Number(s)));

/**
 * Download client: where files land, how the size-aware queue behaves, aria2c overrides.
 * `kinds`: the providers categories may be routed to.
 */
export const downloadsSchema = (kinds: readonly ProviderKind[]) =>
  z.object({
    /** Read here too: the default download folder lives inside it. */
    DATA_DIR: optionalText(),
    DOWNLOAD_DIR: optionalText(),
    DOWNLOAD_INCOMPLETE_DIR: optionalText(),
    STORAGE_TYPE: oneOf(["auto", "hdd", "ssd"], "auto"),
    LARGE_FILE_THRESHOLD: byteSize(20 * GIB),
    SMALL_FILE_THRESHOLD: byteSize(5 * GIB),
    MAX_CONCURRENT_DOWNLOADS: positiveInt(6),
    DOWNLOAD_MIN_FREE_SPACE: byteSize(2 * GIB),
    DOWNLOAD_CATEGORY_PROVIDERS: categoryProviders(kinds),
    DOWNLOAD_PROVIDER_ORDER: providerOrderField(kinds),
    DOWNLOAD_REQUIRE_CACHED: bool(false),
    DOWNLOAD_SELECT_FILES: oneOf(["video", "all"], "video"),
    DOWNLOAD_MAX_ATTEMPTS: positiveInt(5),
    DOWNLOAD_DELETE_AT_PROVIDER: oneOf(["never", "unfinished", "imported", "always"], "never"),
    DOWNLOAD_TICK_MS: positiveInt(500),
    DOWNLOAD_PROVIDER_POLL_MS: positiveInt(5000),
    DOWNLOAD_TORRENT_URL_TIMEOUT_MS: positiveInt(15_000),
    ARIA2_BIN: text("aria2c"),
    ARIA2_SPLIT: optionalCount(16),
    ARIA2_MAX_CONNECTION_PER_SERVER: optionalCount(16),
    ARIA2_MIN_SPLIT_SIZE: optionalSize(),
    ARIA2_FILE_ALLOCATION: z
      .string()
      .trim()
      .toLowerCase()
      .optional()
      .refine((s) => s === undefined || s === "" || ["none", "prealloc", "trunc", "falloc"].includes(s), {
        message: "expected one of none, prealloc, trunc, falloc",
      })
      .transform((s) =>
        s === undefined || s === "" ? undefined : (s as "none" | "prealloc" | "trunc" | "falloc"),
      ),
    ARIA2_DISK_CACHE: optionalSize(),
    ARIA2_MAX_OVERALL_DOWNLOAD_LIMIT: optionalSize(),
    ARIA2_MAX_TRIES: optionalCount(100),
    ARIA2_RETRY_WAIT: optionalCount(600),
    ARIA2_AUTO_SAVE_INTERVAL: optionalCount(600),
    ...downloadModeFields(kinds),
    ...downloadSpeedFields(),
    ...downloadStagingFields(),
    ...downloadPostprocessFields(),
  });

export type DownloadsEnv = z.infer<ReturnType<typeof downloadsSchema>>;

export function buildDownloads(env: DownloadsEnv) {
  // Same default as core's DATA_DIR ("./data"): downloads never land in the working directory.
  const dir = resolve(env.DOWNLOAD_DIR ?? resolve(env.DATA_DIR ?? "./data", "downloads"));
  // Same filesystem as the final folders by default, so the last step is an atomic rename.
  const incompleteDir = resolve(env.DOWNLOAD_INCOMPLETE_DIR ?? resolve(dir, ".incomplete"));
  return {
    dir,
    incompleteDir,
    storageType: env.STORAGE_TYPE,
    largeFileThreshold: env.LARGE_FILE_THRESHOLD,
    smallFileThreshold: Math.min(env.SMALL_FILE_THRESHOLD, env.LARGE_FILE_THRESHOLD),
    maxConcurrent: env.MAX_CONCURRENT_DOWNLOADS,
    /** Kept free on the download disk: a file starts only if size + this fits. */
    minFreeSpace: env.DOWNLOAD_MIN_FREE_SPACE,
    categoryProviders: env.DOWNLOAD_CATEGORY_PROVIDERS,
    /** Fallback order after the chosen provider (DOWNLOAD_PROVIDER_ORDER); unlisted ones come last. */
    providerOrder: env.DOWNLOAD_PROVIDER_ORDER,
    requireCached: env.DOWNLOAD_REQUIRE_CACHED,
    selectFiles: env.DOWNLOAD_SELECT_FILES,
    maxAttempts: env.DOWNLOAD_MAX_ATTEMPTS,
    /**
     * Whether a torrent deleted here is removed from the debrid library too (never: it is the
     * user's); `imported`: also once the *arr's history shows the import (src/services/arr/imports.ts).
     */
    deleteAtProvider: env.DOWNLOAD_DELETE_AT_PROVIDER,
    /** How often aria2c is polled while something downloads. */
    tickMs: env.DOWNLOAD_TICK_MS,
    /** How often one torrent still at the provider is polled (rate limits are per minute). */
    providerPollMs: env.DOWNLOAD_PROVIDER_POLL_MS,
    /** Longest a .torrent URL given to torrents/add may take (redirects and body included). */
    torrentUrlTimeoutMs: env.DOWNLOAD_TORRENT_URL_TIMEOUT_MS,
    /** Download or symlink, per category; the debrid mount(s) and path mappings for symlinks. */
    linking: buildDownloadMode(env),
    /** DOWNLOAD_SPEED_LIMIT and DOWNLOAD_SPEED_SCHEDULE (src/services/downloads/speed-limit.ts). */
    speed: buildDownloadSpeed(env),
    /** DOWNLOAD_MOVE_*: the copy onto the final disk when the incomplete folder is on another one. */
    staging: buildDownloadStaging(env),
    /** Archives extracted and DOWNLOAD_ON_COMPLETE (src/services/downloads/postprocess/). */
    postprocess: buildDownloadPostprocess(env),
    aria2: {
      bin: env.ARIA2_BIN,
      overrides: {
        split: env.ARIA2_SPLIT,
        maxConnectionPerServer: env.ARIA2_MAX_CONNECTION_PER_SERVER,
        minSplitSize: env.ARIA2_MIN_SPLIT_SIZE,
        fileAllocation: env.ARIA2_FILE_ALLOCATION,
        diskCache: env.ARIA2_DISK_CACHE,
        maxOverallDownloadLimit: env.ARIA2_MAX_OVERALL_DOWNLOAD_LIMIT,
        maxTries: env.ARIA2_MAX_TRIES,
        retryWait: env.ARIA2_RETRY_WAIT,
        autoSaveInterval: env.ARIA2_AUTO_SAVE_INTERVAL,
      },
    },
  };
}

export type DownloadsConfig = ReturnType<typeof buildDownloads>;
