import { resolve } from "node:path";
import { z } from "zod";
import type { ProviderKind } from "../../providers/types.ts";
import { oneOf, optionalText } from "../fields.ts";

/**
 * Download mode: `download` fetches the files with aria2c; `symlink` links them from the debrid
 * mount (rclone on the provider's WebDAV, zurg, Redriva's /dav) the way decypharr and rdt-client
 * do. Parsed here, next to the downloads section that spreads these fields.
 */
export const DOWNLOAD_MODES = ["download", "symlink"] as const;
export type DownloadMode = (typeof DOWNLOAD_MODES)[number];

/** `a=x,b=y` → [["a","x"],["b","y"]]; null when a pair has no `=` or an empty side. */
function parsePairs(input: string): Array<[string, string]> | null {
  const pairs: Array<[string, string]> = [];
  for (const part of input.split(",").map((p) => p.trim())) {
    if (part === "") continue;
    const eq = part.lastIndexOf("=");
    if (eq <= 0 || eq === part.length - 1) return null;
    pairs.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  return pairs;
}

export function parseCategoryModes(input: string): Record<string, DownloadMode> | null {
  const pairs = parsePairs(input);
  if (!pairs) return null;
  const map: Record<string, DownloadMode> = {};
  for (const [category, mode] of pairs) {
    const m = mode.toLowerCase();
    if (!(DOWNLOAD_MODES as readonly string[]).includes(m)) return null;
    map[category] = m as DownloadMode;
  }
  return map;
}

export function parseMountPaths(
  input: string,
  kinds: readonly ProviderKind[],
): Partial<Record<ProviderKind, string>> | null {
  const pairs = parsePairs(input);
  if (!pairs) return null;
  const map: Partial<Record<ProviderKind, string>> = {};
  for (const [provider, path] of pairs) {
    const kind = provider.toLowerCase();
    if (!kinds.includes(kind) || !path.startsWith("/")) return null;
    map[kind] = resolve(path);
  }
  return map;
}

/**
 * Like the *arrs' Remote Path Mappings: `<path in Redriva>=<same place as the *arr sees it>`.
 * Longest prefix first, so `/mnt=/x,/mnt/rd=/y` maps /mnt/rd/... with the second.
 */
export function parsePathMappings(input: string): Array<{ from: string; to: string }> | null {
  const pairs = parsePairs(input.replaceAll(";", ","));
  if (!pairs) return null;
  if (pairs.some(([from, to]) => !from.startsWith("/") || !to.startsWith("/"))) return null;
  return pairs
    .map(([from, to]) => ({ from: resolve(from), to: resolve(to) }))
    .sort((a, b) => b.from.length - a.from.length);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** `600` (seconds), `10m`, `90s`, `1h`, `1500ms` → milliseconds; null when unreadable or zero. */
export function parseDuration(input: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/i.exec(input.trim());
  if (!match) return null;
  const ms = Number(match[1]) * (DURATION_UNITS[(match[2] ?? "s").toLowerCase()] ?? 1000);
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : null;
}

const parsed = <T>(parse: (s: string) => T | null, message: string) =>
  z
    .string()
    .optional()
    .transform((s) => s ?? "")
    .refine((s) => parse(s) !== null, message)
    .transform((s) => parse(s) as T);

export const downloadModeFields = (kinds: readonly ProviderKind[]) => ({
  DOWNLOAD_MODE: oneOf(DOWNLOAD_MODES, "download"),
  DOWNLOAD_CATEGORY_MODES: parsed(
    parseCategoryModes,
    "expected category=mode pairs with a mode among download, symlink (tv-sonarr=symlink,radarr-4k=download)",
  ),
  SYMLINK_MOUNT_PATH: optionalText().refine(
    (s) => s === undefined || s.startsWith("/"),
    "expected an absolute path (/mnt/debrid)",
  ),
  SYMLINK_MOUNT_PATHS: parsed(
    (s) => parseMountPaths(s, kinds),
    `expected provider=/absolute/path pairs with a provider among ${kinds.join(", ")} (${kinds[0]}=/mnt/${kinds[0]})`,
  ),
  SYMLINK_PATH_MAPPINGS: parsed(
    parsePathMappings,
    "expected /path/in/redriva=/path/the/arr/sees pairs, comma-separated (/mnt/debrid=/data/debrid)",
  ),
  SYMLINK_MOUNT_TIMEOUT: z
    .string()
    .optional()
    .transform((s) => (s === undefined || s.trim() === "" ? "10m" : s))
    .refine((s) => parseDuration(s) !== null, "expected a duration such as 10m, 90s or 600")
    .transform((s) => parseDuration(s) as number),
});

type ModeEnv = {
  [K in keyof ReturnType<typeof downloadModeFields>]: z.infer<ReturnType<typeof downloadModeFields>[K]>;
};

export function buildDownloadMode(env: ModeEnv) {
  return {
    /** DOWNLOAD_MODE: what a category without its own mode does. */
    defaultMode: env.DOWNLOAD_MODE,
    categoryModes: env.DOWNLOAD_CATEGORY_MODES,
    /** Where the debrid library is mounted in Redriva's filesystem (per provider wins). */
    mountPath: env.SYMLINK_MOUNT_PATH ? resolve(env.SYMLINK_MOUNT_PATH) : undefined,
    mountPaths: env.SYMLINK_MOUNT_PATHS,
    pathMappings: env.SYMLINK_PATH_MAPPINGS,
    /** Longest wait for a ready torrent's files to show in the mount. */
    mountTimeoutMs: env.SYMLINK_MOUNT_TIMEOUT,
  };
}
