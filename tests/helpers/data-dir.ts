import { Database } from "bun:sqlite";
import { join } from "node:path";

/**
 * Reads a Redriva data dir's database from outside the process that writes it (a child CLI or
 * server), read-only. An absent database reads as empty.
 */
export function rows<T>(dataDir: string, sql: string): T[] {
  let db: Database;
  try {
    db = new Database(join(dataDir, "redriva.db"), { readonly: true });
  } catch {
    return [];
  }
  try {
    return db.query(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** The `n` column of the first row (write queries as `SELECT COUNT(*) AS n ...`). */
export function count(dataDir: string, sql: string): number {
  return rows<{ n: number }>(dataDir, sql)[0]?.n ?? 0;
}

/**
 * Awaits a condition (polling), failing with `what` after `limitMs`: tests never sleep blindly.
 * A condition that throws counts as "not yet" (another process may still be creating the
 * database); its last error is reported on timeout.
 */
export async function until(condition: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      if (condition()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`,
      );
    }
    await Bun.sleep(25);
  }
}
