import type { Config } from "./config/index.ts";
import { openDatabase } from "./db/client.ts";
import type { Deps } from "./deps.ts";
import { BUILTIN_JOBS } from "./jobs/definitions/index.ts";
import { JobRunner } from "./jobs/runner.ts";
import type { JobDefinition } from "./jobs/types.ts";
import { type Clock, systemClock } from "./lib/clock.ts";
import { EventBus } from "./lib/event-bus.ts";
import { configuredTime } from "./lib/time-format.ts";
import { VersionedCache } from "./lib/versioned-cache.ts";
import { createLogger, type Logger } from "./logger.ts";
import { withConfiguredAccounts } from "./providers/accounts.ts";
import type { ProviderDescriptor } from "./providers/descriptor.ts";
import { PROVIDERS, providerSecretPaths } from "./providers/list.ts";
import { ProviderRegistry } from "./providers/registry.ts";
import { ArrClients } from "./services/arr/clients.ts";
import { ArrRouteCache } from "./services/arr/route-cache.ts";
import { DavState } from "./services/dav/state.ts";
import { DOWNLOADS_TOPIC } from "./services/downloads/events.ts";
import { DownloadsState } from "./services/downloads/state.ts";
import { VersionedCache as LibraryCache } from "./services/library-view/cache.ts";
import { SyncConsole } from "./services/library-view/sync-console.ts";
import { Metrics } from "./services/metrics/state.ts";
import { RepairRuns } from "./services/repair/background.ts";
import { createReportViews } from "./services/reports/render.ts";
import { LiveSettings } from "./services/settings/live.ts";
import { createSymlinkRuntime } from "./services/symlinks/runtime.ts";
import { WebAuthState } from "./services/web-auth/state.ts";

export interface DepsOverrides {
  log?: Logger;
  clock?: Clock;
  /** The provider folders this process knows (tests add a throwaway one); every built-in one by default. */
  providers?: readonly ProviderDescriptor[];
  /** The jobs the runner knows (tests add their own); every built-in job by default. */
  jobs?: readonly JobDefinition[];
}

/**
 * Builds the dependencies of one process from a validated config. The server, the CLI and the
 * tests all come through here, so they share exactly the same wiring: every long-lived object
 * of the process is built here, once.
 */
export function createDeps(config: Config, overrides: DepsOverrides = {}): Deps {
  // The extra accounts (RD_API_TOKEN_2...) the configuration was validated with.
  const descriptors = withConfiguredAccounts(overrides.providers ?? PROVIDERS, config);
  const log =
    overrides.log ??
    createLogger({
      level: config.logLevel,
      format: config.logFormat,
      redact: providerSecretPaths(descriptors),
    });
  const clock = overrides.clock ?? systemClock;
  const providers = new ProviderRegistry(config, clock, log, descriptors);
  const deps = {
    config,
    log,
    dbh: openDatabase(config.dbPath),
    clock,
    bus: new EventBus(),
    providers,
    symlinks: createSymlinkRuntime(),
    torrentsInfoCache: new VersionedCache(64),
    webAuth: new WebAuthState(config.auth, clock),
    libraryCache: new LibraryCache(),
    arrClients: new ArrClients(),
    arrRoutes: new ArrRouteCache(),
    metrics: new Metrics(providers),
    repairRuns: new RepairRuns(),
    downloads: new DownloadsState(),
    ownSyncRuns: new Set(),
    reportViews: createReportViews(),
    time: configuredTime(config),
    dav: new DavState(),
    settings: new LiveSettings(config),
  } as Omit<Deps, "jobs" | "syncConsole"> as Deps;
  observeLiveSettings(deps, { ownLogger: !overrides.log });
  // These two act on the whole of deps (they run jobs and syncs), so they come last.
  deps.jobs = new JobRunner(deps, [...(overrides.jobs ?? BUILTIN_JOBS)]);
  deps.syncConsole = new SyncConsole(deps);
  return deps;
}

/** What was built from a /settings value at start follows its changes (the rest reads deps.config on use). */
function observeLiveSettings(deps: Deps, options: { ownLogger: boolean }): void {
  deps.settings.onChange((previous, next) => {
    // A logger a test or the CLI passed in keeps its own level.
    if (options.ownLogger && previous.logLevel !== next.logLevel) deps.log.level = next.logLevel;
    // The downloader applies the limit on its next pass: wake it rather than wait for an idle tick.
    if (previous.downloads.speed.limit !== next.downloads.speed.limit)
      deps.bus.publish(DOWNLOADS_TOPIC, "changed", { reason: "settings" });
    // Sonarr/Radarr clients carry the limits they were built with: rebuilt on their next use.
    const { timeoutMs, commandsPerMinute, fullRescanThreshold, neverSearch } = previous.arr;
    const now = next.arr;
    if (
      timeoutMs !== now.timeoutMs ||
      commandsPerMinute !== now.commandsPerMinute ||
      fullRescanThreshold !== now.fullRescanThreshold ||
      neverSearch !== now.neverSearch
    )
      deps.arrClients.clear();
  });
}
