import type { Config } from "./config/index.ts";
import type { DbHandle } from "./db/client.ts";
import type { Clock } from "./lib/clock.ts";
import type { EventBus } from "./lib/event-bus.ts";
import type { VersionedCache } from "./lib/versioned-cache.ts";
import type { Logger } from "./logger.ts";
import type { ProviderRegistry } from "./providers/registry.ts";
import type { SymlinkRuntime } from "./services/symlinks/runtime.ts";
import type { WebAuthState } from "./services/web-auth/state.ts";

/**
 * Everything a service needs, built once by the composition root (main.ts, the CLI, tests) and
 * passed in. Nothing below reads process.env or builds its own clients.
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
}
