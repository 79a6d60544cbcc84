import { ConfigError, loadConfig } from "../config/index.ts";
import { openDatabase } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { compactStatsLine } from "../services/stats/compact.ts";
import { EXIT } from "./exit-codes.ts";

/** `stats --compact` without commander, pino or drizzle: it runs from cron, often. */
export function printCompactStats(env: Record<string, string | undefined>): number {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Invalid configuration:\n${error.problems.join("\n")}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  let dbh: ReturnType<typeof openDatabase>;
  try {
    dbh = openDatabase(config.dbPath);
  } catch (error) {
    if (error instanceof AppError) {
      process.stderr.write(`Error: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
  try {
    process.stdout.write(`${compactStatsLine(dbh)}\n`);
    return EXIT.ok;
  } finally {
    dbh.close();
  }
}
