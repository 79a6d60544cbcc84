import { providerKind } from "./rdt-client-reader.ts";

/**
 * rdt-client's settings (Settings table, keys as in DbSettings.cs) against Redriva's. Most of
 * Redriva's settings live in the environment (.env): for those the import prints the line to add
 * rather than editing a file it does not own. Settings Redriva keeps in its database (categories,
 * the qBit global speed limit) are imported by the caller.
 */
export interface SettingMapping {
  key: string;
  /** As shown: secrets masked. */
  shown: string;
  /** What to do in Redriva: an .env line, or why nothing maps. */
  advice: string;
  /** True when the value maps onto a .env variable (it is "not imported" but has an equivalent). */
  envLine: boolean;
}

const SECRET_KEYS = new Set([
  "Provider:ApiKey",
  "DownloadClient:Aria2cSecret",
  "DownloadClient:DownloadStationPassword",
]);

const ENV_OF_PROVIDER: Record<string, string> = {
  realdebrid: "RD_API_TOKEN",
  alldebrid: "AD_API_KEY",
  premiumize: "PREMIUMIZE_API_KEY",
  torbox: "TORBOX_API_KEY",
  debridlink: "DEBRIDLINK_API_KEY",
};

/** Keys imported into the database by the caller (categories, speed limit): not advised here. */
export const IMPORTED_KEYS = new Set(["General:Categories", "DownloadClient:MaxSpeed"]);

type Advice = string | { env: string } | null;

/** One rule per key Redriva has something to say about; other keys: "no Redriva equivalent". */
const RULES: Record<string, (value: string, all: Map<string, string | null>) => Advice> = {
  "Provider:Provider": (v) => {
    const kind = providerKind(v);
    return kind ? { env: `DEFAULT_PROVIDER=${kind}` } : `unknown provider ${v}`;
  },
  "Provider:ApiKey": (_v, all) => {
    const kind = providerKind(all.get("Provider:Provider") ?? "0") ?? "realdebrid";
    return { env: `${ENV_OF_PROVIDER[kind]}=<the same key; not printed>` };
  },
  "DownloadClient:DownloadPath": (v) => ({ env: `DOWNLOAD_DIR=${v}` }),
  "DownloadClient:MappedPath": () =>
    "a path as the *arr sees it: set a Remote Path Mapping in Sonarr/Radarr if it differs from DOWNLOAD_DIR (MIGRATION.md)",
  "DownloadClient:Client": (v) =>
    /^(2|symlink)$/i.test(v.trim())
      ? { env: "DOWNLOAD_MODE=symlink" }
      : "Redriva downloads with its own aria2c (DOWNLOAD_MODE=download, the default)",
  "DownloadClient:RcloneMountPath": (v, all) =>
    /^(2|symlink)$/i.test((all.get("DownloadClient:Client") ?? "").trim())
      ? { env: `SYMLINK_MOUNT_PATH=${v.replace(/\*$/, "")}` }
      : "only used by rdt-client's symlink downloader (not selected)",
  "DownloadClient:MinimumFreeSpaceGB": (v) =>
    Number(v) > 0
      ? { env: `DOWNLOAD_MIN_FREE_SPACE=${Number(v)}GB` }
      : "0 (off): Redriva keeps 2GB free by default",
  "DownloadClient:ParallelCount": (v) =>
    Number(v) > 0 ? { env: `ARIA2_SPLIT=${Math.min(16, Number(v))}` } : "0: aria2c's profile default applies",
  "General:DownloadLimit": (v) =>
    Number(v) > 0 ? { env: `MAX_CONCURRENT_DOWNLOADS=${Number(v)}` } : "0: Redriva's default (6) applies",
  "General:RunOnTorrentCompleteFileName": (v) =>
    v.trim() === ""
      ? "not set"
      : "set DOWNLOAD_ON_COMPLETE to the program; torrent details come as environment variables instead of %N %L %F (README)",
  "Integrations:Default:DownloadRetryAttempts": (v) =>
    Number(v) > 0 ? { env: `DOWNLOAD_MAX_ATTEMPTS=${Number(v)}` } : "0: Redriva's default (5) applies",
  "Integrations:Default:FinishedAction": (v) =>
    /^(1|2|RemoveAllTorrents|RemoveRealDebrid)$/i.test(v.trim())
      ? "rdt-client removed finished torrents from the provider; Redriva keeps them by default (DOWNLOAD_DELETE_AT_PROVIDER decides when a deleted download goes at the provider)"
      : "Redriva keeps finished torrents until the *arr removes them",
  "Watch:Path": (v) =>
    v.trim() === "" ? "not set" : "no watch folder in Redriva: add through the *arr or /downloads",
  "General:AuthenticationType": () => "Redriva always asks for REDRIVA_USERNAME / REDRIVA_PASSWORD",
  "DownloadClient:Aria2cUrl": () => "Redriva starts and drives its own aria2c",
  "DownloadClient:Aria2cSecret": () => "Redriva starts and drives its own aria2c",
};

export function mapSettings(settings: Map<string, string | null>): SettingMapping[] {
  const result: SettingMapping[] = [];
  for (const [key, raw] of [...settings].sort(([a], [b]) => a.localeCompare(b))) {
    if (IMPORTED_KEYS.has(key)) continue;
    const value = raw ?? "";
    const shown = SECRET_KEYS.has(key) && value !== "" ? "(set; not printed)" : JSON.stringify(value);
    const rule = RULES[key];
    const advice: Advice = rule ? rule(value, settings) : null;
    if (advice !== null && typeof advice === "object")
      result.push({ key, shown, advice: `add to .env: ${advice.env}`, envLine: true });
    else result.push({ key, shown, advice: advice ?? "no Redriva equivalent", envLine: false });
  }
  return result;
}
