import { getSetting, setSetting } from "../../db/repo/settings.ts";
import type { Deps } from "../../deps.ts";
import {
  type EffectiveLimit,
  effectiveDownloadLimit,
  type ModeOverride,
} from "../../domain/speed-schedule.ts";
import type { DownloadEngine } from "./engine.ts";
import { storedPreferences } from "./preferences.ts";

/** qBittorrent's default alternative download limit (10,240 KiB/s), until a client sets alt_dl_limit. */
const DEFAULT_ALTERNATIVE_LIMIT = 10 * 1024 * 1024;
const OVERRIDE_KEY = "downloads.speed_mode_override";

/**
 * The download limit in force now, and why: the schedule's window (or the alternative mode a
 * client toggled), else the limit a client set (transfer/setDownloadLimit), else
 * DOWNLOAD_SPEED_LIMIT (or ARIA2_MAX_OVERALL_DOWNLOAD_LIMIT), 0 meaning unlimited.
 */
export function currentDownloadLimit(deps: Deps): EffectiveLimit {
  const { speed, aria2 } = deps.config.downloads;
  const prefs = storedPreferences(deps);
  const alternative = Number(prefs.alt_dl_limit ?? DEFAULT_ALTERNATIVE_LIMIT);
  return effectiveDownloadLimit({
    windows: speed.schedule,
    // Only a schedule needs the clock of the zone (and so Intl, read through deps.time).
    minuteOfDay: speed.schedule.length > 0 ? deps.time.minuteOfDay(deps.clock.now()) : 0,
    override: getSetting<ModeOverride>(deps.dbh.db, OVERRIDE_KEY) ?? null,
    alternativeLimit: Number.isFinite(alternative) && alternative > 0 ? alternative : 0,
    clientLimit: Math.max(0, Number(prefs.dl_limit ?? 0) || 0),
    configuredLimit: speed.limit ?? aria2.overrides.maxOverallDownloadLimit ?? 0,
  });
}

/** qBittorrent's toggleSpeedLimitsMode: flips the alternative mode until the schedule next changes. */
export function toggleAlternativeSpeed(deps: Deps): EffectiveLimit {
  const now = currentDownloadLimit(deps);
  const override: ModeOverride = { alternative: !now.alternative, window: now.window?.label ?? "" };
  setSetting(deps.dbh.db, OVERRIDE_KEY, override, deps.clock.now());
  return currentDownloadLimit(deps);
}

/**
 * Applies the limit in force to aria2c (changeGlobalOption), checked every tick: a window that
 * starts, a client's change or a restarted aria2c get the right limit within a tick.
 */
export async function applySpeedLimit(deps: Deps, engine: DownloadEngine): Promise<void> {
  if (!engine.aria2Ready()) return;
  const wanted = currentDownloadLimit(deps);
  const value = String(Math.trunc(wanted.limit));
  try {
    const options = await engine.aria2.call<Record<string, string>>("aria2.getGlobalOption");
    if (options["max-overall-download-limit"] === value) return;
    await engine.aria2.call("aria2.changeGlobalOption", { "max-overall-download-limit": value });
    deps.log.info(
      { limit: wanted.limit, source: wanted.source, window: wanted.window?.label },
      "download limit applied to aria2c",
    );
  } catch (error) {
    // aria2c restarting: the next tick tries again.
    deps.log.debug({ err: (error as Error).message }, "download limit not applied yet");
  }
}
