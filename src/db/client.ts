import { Database } from "bun:sqlite";
import { mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { checkDatabaseFile, ensureDiskReserve, explainDatabaseError, releaseDiskReserve } from "./errors.ts";

export const MIGRATIONS_FOLDER = join(import.meta.dir, "..", "..", "schema", "migrations");

export type Db = BunSQLiteDatabase;

/** The one SQLite handle of a process: the raw bun:sqlite database and its drizzle wrapper. */
export interface DbHandle {
  sqlite: Database;
  db: Db;
  path: string;
  /** Closed by its owner (a test's teardown may close it while a timer of the process still runs). */
  readonly closed: boolean;
  close(): void;
}

/**
 * Opens (creating if needed) the database, sets the pragmas every connection needs and applies
 * pending migrations. `:memory:` works for unit tests. A corrupt or truncated file, or a full
 * disk, throws one clear error (DatabaseUnusableError, DiskFullError) instead of SQLite's.
 */
export function openDatabase(
  path: string,
  options: { migrate?: boolean; readonly?: boolean } = {},
): DbHandle {
  if (path !== ":memory:") {
    mkdirSync(dirname(path), { recursive: true });
    checkDatabaseFile(path);
  }
  const sqlite = options.readonly
    ? new Database(path, { readonly: true })
    : new Database(path, { create: true });
  try {
    prepare(sqlite, path, options);
  } catch (error) {
    sqlite.close();
    throw explainDatabaseError(error, path);
  }
  if (path !== ":memory:" && !options.readonly) ensureDiskReserve(path);
  let closed = false;
  let db: Db | null = null;
  return {
    sqlite,
    // drizzle is loaded on first use: short CLI commands (stats --compact) never pay for it.
    get db() {
      db ??= wrap(sqlite);
      return db;
    },
    path,
    get closed() {
      return closed;
    },
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

/** The pragmas every connection needs, then pending migrations. */
function prepare(sqlite: Database, path: string, options: { migrate?: boolean; readonly?: boolean }): void {
  if (!options.readonly) sqlite.exec("PRAGMA journal_mode = WAL");
  // A writer holding the lock briefly (another job, the CLI) should make us wait, not fail.
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA foreign_keys = ON");
  sqlite.exec("PRAGMA synchronous = NORMAL");
  // Reads the schema: a damaged page there shows now rather than in the middle of some work.
  sqlite.query("SELECT count(*) FROM sqlite_master").get();
  if (options.migrate !== false && !options.readonly && hasPendingMigrations(sqlite)) {
    if (path !== ":memory:" && appliedMigrations(sqlite) > 0) backupBeforeMigrating(sqlite, path);
    const { migrate } =
      require("drizzle-orm/bun-sqlite/migrator") as typeof import("drizzle-orm/bun-sqlite/migrator");
    migrate(wrap(sqlite), { migrationsFolder: MIGRATIONS_FOLDER });
  }
}

function wrap(sqlite: Database): Db {
  const { drizzle } = require("drizzle-orm/bun-sqlite") as typeof import("drizzle-orm/bun-sqlite");
  return drizzle(sqlite);
}

/** Migrations already applied: 0 for a new database. */
function appliedMigrations(sqlite: Database): number {
  try {
    return sqlite.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM __drizzle_migrations").get()?.n ?? 0;
  } catch {
    return 0;
  }
}

/**
 * An upgrade never risks the data: before a migration changes an existing database, a copy goes
 * to DATA_DIR/backups under the backup job's naming, so `redriva backup --list` and `restore` see it.
 */
function backupBeforeMigrating(sqlite: Database, path: string): void {
  const dir = join(dirname(path), "backups");
  mkdirSync(dir, { recursive: true });
  const digits = new Date().toISOString().replace(/\D/g, "");
  const target = join(dir, `redriva-${digits.slice(0, 8)}-${digits.slice(8, 14)}-${digits.slice(14, 17)}.db`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  try {
    sqlite.prepare("VACUUM INTO ?").run(partial);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * True when the journal lists a migration newer than the last one applied. Reading the journal
 * and one row is far cheaper than loading the migrator on every start.
 */
function hasPendingMigrations(sqlite: Database): boolean {
  try {
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
      entries: Array<{ when: number }>;
    };
    const newest = Math.max(...journal.entries.map((e) => e.when));
    const applied = sqlite
      .query<{ last: number | null; n: number }, []>(
        "SELECT MAX(created_at) AS last, COUNT(*) AS n FROM __drizzle_migrations",
      )
      .get();
    return !applied || applied.n < journal.entries.length || (applied.last ?? 0) < newest;
  } catch {
    return true;
  }
}

/**
 * On a full disk: frees the reserve kept beside the database, then checkpoints the WAL into the
 * database and truncates it, to make room for writing down the failure itself.
 */
export function reclaimSpace(dbh: Pick<DbHandle, "sqlite" | "path">): void {
  releaseDiskReserve(dbh.path);
  try {
    dbh.sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch {
    // The checkpoint itself may need room the disk no longer has: the reserve is the room.
  }
}
