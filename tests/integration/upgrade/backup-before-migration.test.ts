import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "../../../src/db/client.ts";
import { databaseMigratedTo } from "../../helpers/migrated-database.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const EARLIER = "0011_library_presence_index";

function backupNames(dir: string): string[] {
  const backups = join(dir, "backups");
  return existsSync(backups) ? readdirSync(backups) : [];
}

function migrationsIn(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.query("SELECT COUNT(*) AS n FROM __drizzle_migrations").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe("upgrades: a backup before a migration", () => {
  test("an existing database gets a copy, as it was, in DATA_DIR/backups before it is migrated", () => {
    using dir = tempDir();
    const path = databaseMigratedTo(dir.path, EARLIER, (sqlite) => {
      sqlite.exec(
        `INSERT INTO settings (key, value, updated_at) VALUES ('marker', '"before the upgrade"', 1)`,
      );
    });
    const before = migrationsIn(path);
    openDatabase(path).close();

    const names = backupNames(dir.path);
    expect(names).toHaveLength(1);
    // Named like the backup job's files, so `redriva backup --list` and `restore` see it.
    expect(names[0]).toMatch(/^redriva-\d{8}-\d{6}-\d{3}\.db$/);
    const backup = join(dir.path, "backups", names[0] as string);
    expect(migrationsIn(backup)).toBe(before);
    expect(migrationsIn(path)).toBeGreaterThan(before);
    const copy = new Database(backup, { readonly: true });
    try {
      expect(copy.query("SELECT value FROM settings WHERE key = 'marker'").get()).toEqual({
        value: '"before the upgrade"',
      });
    } finally {
      copy.close();
    }
  });

  test("a new database, or one already up to date, is opened without a backup", () => {
    using dir = tempDir();
    const path = join(dir.path, "redriva.db");
    openDatabase(path).close();
    openDatabase(path).close();
    expect(backupNames(dir.path)).toEqual([]);
  });
});
