import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { type BunSQLiteDatabase, drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";

export const MIGRATIONS_FOLDER = join(import.meta.dir, "..", "..", "schema", "migrations");

export type Db = BunSQLiteDatabase;

/** The one SQLite handle of a process: the raw bun:sqlite database and its drizzle wrapper. */
export interface DbHandle {
  sqlite: Database;
  db: Db;
  path: string;
  close(): void;
}

/**
 * Opens (creating if needed) the database, sets the pragmas every connection needs and applies
 * pending migrations. `:memory:` works for unit tests.
 */
export function openDatabase(path: string, options: { migrate?: boolean; readonly?: boolean } = {}): DbHandle {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = options.readonly ? new Database(path, { readonly: true }) : new Database(path, { create: true });
  if (!options.readonly) sqlite.exec("PRAGMA journal_mode = WAL");
  // A writer holding the lock briefly (another job, the CLI) should make us wait, not fail.
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA foreign_keys = ON");
  sqlite.exec("PRAGMA synchronous = NORMAL");
  const db = drizzle(sqlite);
  if (options.migrate !== false && !options.readonly) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  let closed = false;
  return {
    sqlite,
    db,
    path,
    close() {
      if (closed) return;
      closed = true;
      try {
        sqlite.exec("PRAGMA optimize");
      } catch {
        // closing must not fail because optimize could not run (e.g. read-only file)
      }
      sqlite.close();
    },
  };
}
