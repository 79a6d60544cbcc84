import { Database } from "bun:sqlite";
import { existsSync, statSync } from "node:fs";
import { ValidationError } from "../../errors.ts";

/**
 * Another application's SQLite file, opened read-only: an import never writes to the database it
 * reads (the user may still need it, or run the other app again). A missing file, a file that is
 * not SQLite or one without the expected tables is one clear error, never SQLite's.
 */
export function openForeignDatabase(path: string, app: string, requiredTables: readonly string[]): Database {
  if (!existsSync(path) || !statSync(path).isFile())
    throw new ValidationError(`${path} does not exist or is not a file (expected ${app}'s database)`);
  let db: Database;
  try {
    db = new Database(path, { readonly: true });
    db.query("SELECT COUNT(*) FROM sqlite_master").get();
  } catch {
    throw new ValidationError(`${path} is not a SQLite database (expected ${app}'s database)`);
  }
  const missing = requiredTables.filter((t) => !tableExists(db, t));
  if (missing.length > 0) {
    db.close();
    throw new ValidationError(
      `${path} is not ${app}'s database: table${missing.length > 1 ? "s" : ""} ${missing.join(", ")} missing`,
    );
  }
  return db;
}

export function tableExists(db: Database, table: string): boolean {
  return db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== null;
}

/** Column names of a table (older versions of an app lack some columns). */
export function columnsOf(db: Database, table: string): Set<string> {
  const rows = db.query<{ name: string }, [string]>("SELECT name FROM pragma_table_info(?)").all(table);
  return new Set(rows.map((r) => r.name));
}

/** `"col"` when the table has it, else `NULL AS "col"`: one SELECT reads every version. */
export function selectColumns(present: Set<string>, wanted: readonly string[]): string {
  return wanted.map((c) => (present.has(c) ? `"${c}"` : `NULL AS "${c}"`)).join(", ");
}
