import type { Config } from "./config/index.ts";
import { openDatabase } from "./db/client.ts";
import type { Deps } from "./deps.ts";
import { type Clock, systemClock } from "./lib/clock.ts";
import { EventBus } from "./lib/event-bus.ts";
import { VersionedCache } from "./lib/versioned-cache.ts";
import { createLogger, type Logger } from "./logger.ts";
import type { ProviderDescriptor } from "./providers/descriptor.ts";
import { PROVIDERS, providerSecretPaths } from "./providers/list.ts";
import { ProviderRegistry } from "./providers/registry.ts";
import { createSymlinkRuntime } from "./services/symlinks/runtime.ts";
import { WebAuthState } from "./services/web-auth/state.ts";

/**
 * Builds the dependencies of one process from a validated config. The server, the CLI and the
 * tests all come through here, so they share exactly the same wiring.
 */
export function createDeps(
  config: Config,
  overrides: { log?: Logger; clock?: Clock; providers?: readonly ProviderDescriptor[] } = {},
): Deps {
  const providers = overrides.providers ?? PROVIDERS;
  const log =
    overrides.log ?? createLogger({ level: config.logLevel, redact: providerSecretPaths(providers) });
  const clock = overrides.clock ?? systemClock;
  const dbh = openDatabase(config.dbPath);
  return {
    config,
    log,
    dbh,
    clock,
    bus: new EventBus(),
    providers: new ProviderRegistry(config, clock, log, providers),
    symlinks: createSymlinkRuntime(),
    torrentsInfoCache: new VersionedCache(64),
    webAuth: new WebAuthState(config.auth, clock),
  };
}
