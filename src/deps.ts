import type { Eta } from "eta";
import type { Config } from "./config/index.ts";
import type { DbHandle } from "./db/client.ts";
import type { JobRunner } from "./jobs/runner.ts";
import type { Clock } from "./lib/clock.ts";
import type { EventBus } from "./lib/event-bus.ts";
import type { TimeFormatter } from "./lib/time-format.ts";
import type { VersionedCache } from "./lib/versioned-cache.ts";
import type { Logger } from "./logger.ts";
import type { ProviderRegistry } from "./providers/registry.ts";
import type { ArrClients } from "./services/arr/clients.ts";
import type { ArrRouteCache } from "./services/arr/route-cache.ts";
import type { DavState } from "./services/dav/state.ts";
import type { DownloadsState } from "./services/downloads/state.ts";
import type { VersionedCache as LibraryCache } from "./services/library-view/cache.ts";
import type { SyncConsole } from "./services/library-view/sync-console.ts";
import type { Metrics } from "./services/metrics/state.ts";
import type { RepairRuns } from "./services/repair/background.ts";
import type { LiveSettings } from "./services/settings/live.ts";
import type { SymlinkRuntime } from "./services/symlinks/runtime.ts";
import type { WebAuthState } from "./services/web-auth/state.ts";

/**
 * Everything a service needs, built once by the composition root (main.ts, the CLI, tests) and
 * passed in. Nothing below reads process.env or builds its own clients, and no module keeps
 * state of its own: what a process holds is listed here.
 */
export interface Deps {
  config: Config;
  log: Logger;
  dbh: DbHandle;
  clock: Clock;
  bus: EventBus;
  providers: ProviderRegistry;
  /** Running symlink scans and the picker's folder trees. */
  symlinks: SymlinkRuntime;
  /** Serialised torrents/info answers per query, until the torrents change (qBittorrent API). */
  torrentsInfoCache: VersionedCache<{ raw: Uint8Array; gzip?: Uint8Array }>;
  /** Credential throttle and session key of the web UI and qBittorrent API logins. */
  webAuth: WebAuthState;
  /** The job runner: pages, the API and the CLI trigger jobs through it; the server arms its schedules. */
  jobs: JobRunner;
  /** Memo of the library's expensive reads, stamped with the library version. */
  libraryCache: LibraryCache;
  /** The web activity console of syncs (backlog + the run started from the dashboard). */
  syncConsole: SyncConsole;
  /** Sonarr/Radarr clients, kept so their rate limits hold across calls. */
  arrClients: ArrClients;
  /** Which *arr instance grabs with which qBit category, as their download clients said (route.ts). */
  arrRoutes: ArrRouteCache;
  /** Prometheus registry (built on first scrape) and the debrid response counters. */
  metrics: Metrics;
  /** The repair run started from the web UI or the API (one at a time). */
  repairRuns: RepairRuns;
  /** What the running downloader reports, and the transfers' in-memory bookkeeping. */
  downloads: DownloadsState;
  /**
   * Sync runs this process is executing. A `running` row carrying our own pid is only alive if it
   * is one of them: after a container restart the server is often pid 1 again.
   */
  ownSyncRuns: Set<number>;
  /** The reports' templates (views/reports), compiled once: job and symlink scan reports. */
  reportViews: Eta;
  /** Times in the configured zone (JOBS_TIMEZONE, else TZ), built once: Intl formatters are costly to make per request. */
  time: TimeFormatter;
  /** The WebDAV server's tree cache, direct links and counters (/dav, /metrics). */
  dav: DavState;
  /** /settings changes applied to `config` while running; what was built from a value observes it. */
  settings: LiveSettings;
}
