import { Database } from "bun:sqlite";
import { join } from "node:path";
import type { Config } from "../../config/index.ts";

export function backupsDir(config: Pick<Config, "dataDir">): string {
  return join(config.dataDir, "backups");
}

/** null when the file is a sound SQLite database, else what `integrity_check` (or opening) said. */
export function integrityProblem(path: string): string | null {
  let db: Database | null = null;
  try {
    db = new Database(path, { readonly: true });
    // The check reads every page several times: a 16 MB cache halves its time on a 100 MB
    // database, and the memory goes back when this connection closes.
    db.exec("PRAGMA cache_size = -16384");
    const rows = db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").all();
    const messages = rows.map((r) => r.integrity_check);
    return messages.length === 1 && messages[0] === "ok" ? null : messages.slice(0, 5).join("; ");
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    db?.close();
  }
}
