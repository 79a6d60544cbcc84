import type { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { type DbHandle, openDatabase } from "../../../src/db/client.ts";
import { rowsBySeq } from "../../../src/db/repo/torrent-queries.ts";
import { databaseMigratedTo } from "../../helpers/migrated-database.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/**
 * Migration 0020: the list's file count, provider error and "has details" come from copies on the
 * torrents row. They must always say what a join on torrent_details says, for rows from before
 * the migration (backfill) and after any write to the details (triggers).
 */
const BEFORE = "0019_stall_clock_at_upgrade";

function seed(sqlite: Database): void {
  const torrent = sqlite.prepare(
    `INSERT INTO torrents (id, provider, filename, status, first_seen_at, last_seen_at, changed_at)
     VALUES (?, ?, ?, ?, 0, 0, 0)`,
  );
  const details = sqlite.prepare(
    "INSERT INTO torrent_details (provider, id, status, files_count, error, fetched_at) VALUES (?, ?, ?, ?, ?, 0)",
  );
  sqlite.transaction(() => {
    for (let i = 0; i < 30; i++) {
      // The same ids at two providers: the copies must not cross over.
      const provider = i < 20 ? "realdebrid" : "alldebrid";
      const id = `T${i % 20}`;
      torrent.run(id, provider, `Name ${i}`, i % 4 === 0 ? "dead" : "downloaded");
      if (i % 5 !== 0) details.run(provider, id, "downloaded", i, i % 7 === 0 ? `error ${i}` : null);
    }
  })();
}

/** What a join on the details says, per seq. */
function joined(dbh: DbHandle) {
  return dbh.sqlite
    .query<{ seq: number; files_count: number | null; error: string | null; has_details: number }, []>(
      `SELECT t.seq, d.files_count, d.error, d.id IS NOT NULL AS has_details
         FROM torrents t LEFT JOIN torrent_details d ON d.provider = t.provider AND d.id = t.id ORDER BY t.seq`,
    )
    .all();
}

function listed(dbh: DbHandle) {
  const seqs = dbh.sqlite
    .query<{ seq: number }, []>("SELECT seq FROM torrents ORDER BY seq")
    .all()
    .map((r) => r.seq);
  return rowsBySeq(dbh, seqs).map((r) => ({
    seq: r.seq,
    files_count: r.files_count,
    error: r.error,
    has_details: r.has_details,
  }));
}

describe("migration 0020: the list's details columns on the torrents row", () => {
  test("rows from before the migration show their details' files, error and presence", () => {
    using dir = tempDir();
    const dbh = openDatabase(databaseMigratedTo(dir.path, BEFORE, seed));
    try {
      const truth = joined(dbh);
      expect(truth.filter((r) => r.has_details).length).toBe(24);
      expect(truth.filter((r) => r.error !== null).length).toBeGreaterThan(0);
      expect(listed(dbh)).toEqual(truth);
    } finally {
      dbh.close();
    }
  });

  test("inserting, updating, replacing and deleting details (and cascades) keep the list's copies", () => {
    using dir = tempDir();
    const dbh = openDatabase(databaseMigratedTo(dir.path, BEFORE, seed));
    try {
      const run = (sql: string) => dbh.sqlite.query(sql).run();
      run(
        "INSERT INTO torrent_details (provider, id, status, files_count, error, fetched_at) VALUES ('realdebrid', 'T5', 'dead', 3, 'gone', 0)",
      );
      run("UPDATE torrent_details SET files_count = 42 WHERE provider = 'realdebrid' AND id = 'T1'");
      run("UPDATE torrent_details SET error = 'host down' WHERE provider = 'realdebrid' AND id = 'T2'");
      run("UPDATE torrent_details SET error = NULL WHERE error IS NOT NULL AND id = 'T14'");
      run(
        `INSERT INTO torrent_details (provider, id, status, files_count, fetched_at) VALUES ('realdebrid', 'T4', 'downloaded', 9, 1)
         ON CONFLICT (provider, id) DO UPDATE SET files_count = excluded.files_count, error = NULL`,
      );
      run(
        "INSERT OR REPLACE INTO torrent_details (provider, id, status, files_count, fetched_at) VALUES ('realdebrid', 'T7', 'downloaded', 77, 1)",
      );
      run("DELETE FROM torrent_details WHERE provider = 'alldebrid' AND id = 'T3'");
      run("DELETE FROM torrents WHERE provider = 'realdebrid' AND id = 'T8'");
      const truth = joined(dbh);
      expect(truth.find((r) => r.files_count === 42)).toBeDefined();
      expect(truth.find((r) => r.error === "host down")).toBeDefined();
      expect(listed(dbh)).toEqual(truth);
      run("DELETE FROM torrent_details");
      expect(listed(dbh).every((r) => r.has_details === 0 && r.files_count === null)).toBe(true);
    } finally {
      dbh.close();
    }
  });
});
