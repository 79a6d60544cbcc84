import type { Deps } from "../../deps.ts";
import type { DownloadEngine } from "./engine.ts";
import { storedPreferences } from "./preferences.ts";

/**
 * The global download limit a client set (app/setPreferences `dl_limit`, transfer/setDownloadLimit),
 * applied to aria2c; 0 falls back to the profile's (ARIA2_MAX_OVERALL_DOWNLOAD_LIMIT). aria2c is
 * asked what it runs with each tick, so a restarted aria2c gets the limit again.
 */
export async function applySpeedLimit(deps: Deps, engine: DownloadEngine): Promise<void> {
  if (!engine.aria2Ready()) return;
  const set = Number(storedPreferences(deps).dl_limit ?? 0);
  const wanted = String(set > 0 ? Math.trunc(set) : engine.profile.maxOverallDownloadLimit);
  try {
    const options = await engine.aria2.call<Record<string, string>>("aria2.getGlobalOption");
    if (options["max-overall-download-limit"] === wanted) return;
    await engine.aria2.call("aria2.changeGlobalOption", { "max-overall-download-limit": wanted });
    deps.log.info({ limit: Number(wanted) }, "global download limit applied to aria2c");
  } catch (error) {
    // aria2c restarting: the next tick tries again.
    deps.log.debug({ err: (error as Error).message }, "global download limit not applied yet");
  }
}
