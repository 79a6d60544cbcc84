import { dataPaths } from "../config/data-dir.ts";
import { openDatabase } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { compactStatsLine } from "../services/stats/compact.ts";
import { EXIT } from "./exit-codes.ts";

/**
 * `stats --compact` without commander, pino, drizzle or zod: it runs from cron, often. It reads
 * DATA_DIR alone (the rest of the configuration is validated by every other command).
 */
export function printCompactStats(env: Record<string, string | undefined>): number {
  let dbh: ReturnType<typeof openDatabase>;
  try {
    dbh = openDatabase(dataPaths(env).dbPath);
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
