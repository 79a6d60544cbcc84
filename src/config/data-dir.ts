import { resolve } from "node:path";

/**
 * Where the data lives, from DATA_DIR alone. Kept apart from the zod schemas so `stats --compact`
 * (run from cron, often) can find the database without loading the whole configuration.
 */
export function dataPaths(env: { DATA_DIR?: string | undefined }): { dataDir: string; dbPath: string } {
  const dataDir = resolve(env.DATA_DIR?.trim() || "./data");
  return { dataDir, dbPath: resolve(dataDir, "redriva.db") };
}
