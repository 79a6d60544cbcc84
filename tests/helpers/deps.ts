import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDeps, type DepsOverrides } from "../../src/compose.ts";
import { type Config, loadConfig } from "../../src/config/index.ts";
import type { Deps } from "../../src/deps.ts";
import { createLogger } from "../../src/logger.ts";
import type { ProviderDescriptor } from "../../src/providers/descriptor.ts";
import { PROVIDERS } from "../../src/providers/list.ts";

export interface TestDeps extends Deps {
  dataDir: string;
  [Symbol.dispose](): void;
}

/**
 * Real dependencies over a real SQLite file in a fresh temp dir. `env` is the environment the
 * config is parsed from (same names as production); `providers`, the list of providers;
 * `overrides` as for createDeps (a clock, the runner's jobs).
 */
export function makeTestDeps(
  env: Record<string, string | undefined> = {},
  providers: readonly ProviderDescriptor[] = PROVIDERS,
  overrides: Pick<DepsOverrides, "clock" | "jobs"> = {},
): TestDeps {
  const dataDir = mkdtempSync(join(tmpdir(), "redriva-deps-"));
  const config: Config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent", ...env }, providers);
  const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const deps = createDeps(config, { ...overrides, log, providers });
  return {
    ...deps,
    dataDir,
    [Symbol.dispose]() {
      deps.dbh.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
