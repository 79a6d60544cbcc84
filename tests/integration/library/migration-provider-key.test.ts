import type { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openDatabase } from "../../../src/db/client.ts";
import { databaseMigratedTo } from "../../helpers/migrated-database.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/** The last migration before the library was keyed by (provider, id). */
const BEFORE = "0011_library_presence_index";

/** A database file built by the migrations up to BEFORE, as an existing install has it. */
function preMigrationDatabase(dir: string): string {
  return databaseMigratedTo(dir, BEFORE, seedOldRows);
}

function seedOldRows(sqlite: Database): void {
  const now = 1_790_000_000_000;
  const torrent = sqlite.prepare(
    `INSERT INTO torrents (id, filename, status, bytes, added_on, hash, links, links_count, first_seen_at, last_seen_at, changed_at, removed_at)
     VALUES (?, ?, ?, ?, ?, ?, '[]', 0, ?, ?, ?, ?)`,
  );
  const details = sqlite.prepare(
    "INSERT INTO torrent_details (id, name, status, size, files_count, links, fetched_at) VALUES (?, ?, ?, ?, ?, '', ?)",
  );
  const file = sqlite.prepare(
    "INSERT INTO torrent_files (torrent_id, file_id, path, bytes, selected) VALUES (?, ?, ?, ?, 1)",
  );
  const paths = sqlite.prepare(
    "UPDATE torrent_search SET paths = ? WHERE rowid = (SELECT seq FROM torrents WHERE id = ?)",
  );
  sqlite.transaction(() => {
    for (let i = 0; i < 50; i++) {
      const id = `OLDRD${String(i).padStart(8, "0")}`;
      torrent.run(
        id,
        `Old.Show.S01E${i}.1080p`,
        i % 5 === 0 ? "dead" : "downloaded",
        1000 + i,
        "2026-01-01T00:00:00.000Z",
        `${i}`.padStart(40, "a"),
        now,
        now,
        now,
        i === 49 ? now : null,
      );
      if (i < 40) details.run(id, `Old.Show.S01E${i}.1080p`, "downloaded", 1000 + i, 2, now);
      if (i < 40) {
        file.run(id, 1, `/Old.Show/episode${i}.mkv`, 900);
        file.run(id, 2, `/Old.Show/episode${i}.nfo`, 100);
        paths.run(`/Old.Show/episode${i}.mkv\n/Old.Show/episode${i}.nfo`, id);
      }
    }
    sqlite
      .query(
        "INSERT INTO sync_runs (mode, status, started_at, finished_at) VALUES ('full', 'succeeded', ?, ?)",
      )
      .run(now, now);
  })();
}

describe("migration 0012: the library keyed by (provider, id)", () => {
  test("a database from before the migration opens with every row kept, as Real-Debrid's", () => {
    using dir = tempDir();
    const path = preMigrationDatabase(dir.path);
    const dbh = openDatabase(path);
    try {
      const one = <T>(sql: string) => dbh.sqlite.query<T, []>(sql).get() as T;
      expect(one<{ n: number }>("SELECT COUNT(*) AS n FROM torrents").n).toBe(50);
      expect(one<{ n: number }>("SELECT COUNT(*) AS n FROM torrent_details").n).toBe(40);
      expect(one<{ n: number }>("SELECT COUNT(*) AS n FROM torrent_files").n).toBe(80);
      expect(one<{ n: number }>("SELECT COUNT(*) AS n FROM sync_runs").n).toBe(1);
      for (const table of ["torrents", "torrent_details", "torrent_files", "sync_runs"]) {
        const providers = dbh.sqlite
          .query<{ provider: string }, []>(`SELECT DISTINCT provider FROM ${table}`)
          .all();
        expect(providers.map((p) => p.provider)).toEqual(["realdebrid"]);
      }
      // The original column names still answer users' own SQL.
      const joined = one<{ n: number }>(
        `SELECT COUNT(*) AS n FROM torrents t JOIN torrent_details d ON d.id = t.id
           JOIN torrent_files f ON f.torrent_id = t.id WHERE f.file_id = 1`,
      );
      expect(joined.n).toBe(40);
      // The search index still finds names and file paths.
      const search = (q: string) =>
        dbh.sqlite
          .query<{ id: string }, [string]>(
            "SELECT t.id FROM torrents t JOIN torrent_search s ON s.rowid = t.seq WHERE torrent_search MATCH ? ORDER BY t.id",
          )
          .all(q)
          .map((r) => r.id);
      expect(search('"episode7"')).toEqual(["OLDRD00000007"]);
      expect(search('"S01E45"')).toEqual(["OLDRD00000045"]);
      expect(dbh.sqlite.query("PRAGMA foreign_key_check").all()).toEqual([]);
      // Deleting a torrent still takes its details and files with it.
      dbh.sqlite.query("DELETE FROM torrents WHERE id = 'OLDRD00000003'").run();
      expect(
        one<{ n: number }>("SELECT COUNT(*) AS n FROM torrent_files WHERE torrent_id = 'OLDRD00000003'").n,
      ).toBe(0);
      expect(
        one<{ n: number }>("SELECT COUNT(*) AS n FROM torrent_details WHERE id = 'OLDRD00000003'").n,
      ).toBe(0);
      // The web UI's change counter still follows details (its triggers came back).
      const version = () => one<{ v: number }>("SELECT version AS v FROM ui_library_version").v;
      const before = version();
      dbh.sqlite.query("UPDATE torrent_details SET status = 'dead' WHERE id = 'OLDRD00000004'").run();
      expect(version()).toBe(before + 1);
    } finally {
      dbh.close();
    }
  });

  test("two providers may now hold the same id, each with its own details and files", () => {
    using dir = tempDir();
    const dbh = openDatabase(join(dir.path, "redriva.db"));
    try {
      const insert = dbh.sqlite.prepare(
        `INSERT INTO torrents (id, provider, filename, status, first_seen_at, last_seen_at, changed_at)
         VALUES ('12345', ?, ?, 'downloaded', 0, 0, 0)`,
      );
      insert.run("realdebrid", "From RD");
      insert.run("alldebrid", "From AD");
      expect(() => insert.run("alldebrid", "Again")).toThrow(/UNIQUE/);
      dbh.sqlite
        .query(
          "INSERT INTO torrent_details (provider, id, status, fetched_at) VALUES ('alldebrid', '12345', 'downloaded', 0)",
        )
        .run();
      expect(() =>
        dbh.sqlite
          .query(
            "INSERT INTO torrent_details (provider, id, status, fetched_at) VALUES ('torbox', '12345', 'x', 0)",
          )
          .run(),
      ).toThrow(/FOREIGN KEY/);
      expect(
        dbh.sqlite.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM torrents WHERE id = '12345'").get()?.n,
      ).toBe(2);
    } finally {
      dbh.close();
    }
  });
});
