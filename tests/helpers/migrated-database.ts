import { Database } from "bun:sqlite";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import { MIGRATIONS_FOLDER } from "../../src/db/client.ts";

/**
 * A database file `dir/redriva.db` built by the migrations up to and including `lastTag`, as an
 * install from before a later migration has it; `seed` fills it before it is closed.
 */
export function databaseMigratedTo(dir: string, lastTag: string, seed: (sqlite: Database) => void): string {
  const folder = join(dir, "migrations");
  mkdirSync(join(folder, "meta"), { recursive: true });
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
    entries: Array<{ tag: string }>;
  };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  if (last < 0) throw new Error(`no migration tagged ${lastTag}`);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(join(folder, "meta", "_journal.json"), JSON.stringify(journal));
  const path = join(dir, "redriva.db");
  const sqlite = new Database(path, { create: true });
  try {
    sqlite.exec("PRAGMA foreign_keys = ON");
    migrate(drizzle(sqlite), { migrationsFolder: folder });
    seed(sqlite);
  } finally {
    sqlite.close();
  }
  return path;
}
