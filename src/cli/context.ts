import { createDeps } from "../compose.ts";
import { type Config, ConfigError, loadConfig } from "../config/index.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { type DataDirLock, lockDataDir } from "../lib/data-dir-lock.ts";
import { createLogger } from "../logger.ts";
import { withConfiguredAccounts } from "../providers/accounts.ts";
import { PROVIDERS, providerSecretPaths } from "../providers/list.ts";

import { EXIT } from "./exit-codes.ts";

export { EXIT };

export class CliExit extends Error {
  constructor(
    readonly code: number,
    message = "",
  ) {
    super(message);
  }
}

export interface CliContext {
  /** Loads the config and opens the database on first use (so --help needs neither). */
  deps(): Deps;
  /** The validated config alone, without opening the database (restore replaces that file). */
  config(): Config;
  out(line?: string): void;
  err(line: string): void;
  /**
   * Takes DATA_DIR's exclusive lock for a command that writes (released by `close`); throws
   * DataDirBusyError naming the server or command that holds it.
   */
  lockDataDir(command: string): void;
  /** Aborted on the first SIGINT/SIGTERM; long commands checkpoint and stop. */
  signal: AbortSignal;
  close(): void;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Handle Ctrl+C/SIGTERM (off in tests that run several commands in one process). */
  signals?: boolean;
}

const STD_IO: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  signals: true,
};

export function createCliContext(
  env: Record<string, string | undefined> = process.env,
  io: CliIo = STD_IO,
): CliContext {
  let deps: Deps | null = null;
  let config: Config | null = null;
  let lock: DataDirLock | null = null;
  const loadValidConfig = (): Config => {
    if (config) return config;
    try {
      config = loadConfig(env);
      return config;
    } catch (error) {
      if (error instanceof ConfigError) {
        throw new CliExit(EXIT.usage, `Invalid configuration:\n${error.problems.join("\n")}`);
      }
      throw error;
    }
  };
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write("\nStopping after in-flight work (press Ctrl+C again to force)...\n");
    controller.abort(new AppError("interrupted", "interrupted by signal"));
  };
  if (io.signals) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  return {
    deps() {
      if (!deps) {
        // The CLI speaks to the terminal; the logger only reports warnings unless asked.
        const config = loadValidConfig();
        const redact = providerSecretPaths(withConfiguredAccounts(PROVIDERS, config));
        const log = createLogger({ level: env.LOG_LEVEL ?? "warn", redact });
        deps = createDeps(config, { log });
      }
      return deps;
    },
    config: loadValidConfig,
    lockDataDir(command) {
      lock ??= lockDataDir(loadValidConfig().dataDir, `redriva ${command}`);
    },
    out: (line = "") => io.out(line),
    err: (line) => io.err(line),
    signal: controller.signal,
    close() {
      deps?.dbh.close();
      lock?.release();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
