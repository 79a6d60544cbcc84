import { describe, expect, test } from "bun:test";
import { openDatabase } from "../../../src/db/client.ts";
import { databaseMigratedTo } from "../../helpers/migrated-database.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/** The last migration before repair rows were keyed by (provider, torrent id). */
const BEFORE = "0013_downloads_qbit_fidelity";
const NOW = 1_790_000_000_000;

/** A database file built by the migrations up to BEFORE, with repair rows of two providers. */
function preMigrationDatabase(dir: string): string {
  return databaseMigratedTo(dir, BEFORE, (sqlite) => {
    const candidate = sqlite.prepare(
      `INSERT INTO repair_candidates (provider, torrent_id, reason, found_at, seen_at, updated_at)
     VALUES (?, ?, 'dead', ?, ?, ?) RETURNING id`,
    );
    const attempt = sqlite.prepare(
      `INSERT INTO repair_attempts (candidate_id, torrent_id, action, trigger, started_at, finished_at, outcome)
     VALUES (?, ?, 'reinject', 'manual', ?, ?, 'failed')`,
    );
    const rd = candidate.get("realdebrid", "RDID1", NOW, NOW, NOW) as { id: number };
    const ad = candidate.get("alldebrid", "310000001", NOW, NOW, NOW) as { id: number };
    attempt.run(rd.id, "RDID1", NOW, NOW);
    attempt.run(ad.id, "310000001", NOW, NOW);
    attempt.run(ad.id, "310000001", NOW + 1, NOW + 1);
    sqlite
      .prepare(
        "INSERT INTO repair_torrent_renames (old_id, new_id, provider, renamed_at) VALUES (?, ?, ?, ?)",
      )
      .run("310000000", "310000001", "alldebrid", NOW);
    sqlite
      .prepare("INSERT INTO repair_link_checks (torrent_id, provider, checked_at, ok) VALUES (?, ?, ?, 1)")
      .run("RDID1", "realdebrid", NOW);
  });
}

describe("migration 0014: repair rows keyed by (provider, torrent id)", () => {
  test("attempts take their candidate's provider; renames and link checks keep every row", () => {
    using dir = tempDir();
    const dbh = openDatabase(preMigrationDatabase(dir.path));
    try {
      const all = (sql: string) => dbh.sqlite.query(sql).all();
      expect(all("SELECT provider, torrent_id FROM repair_attempts ORDER BY id")).toEqual([
        { provider: "realdebrid", torrent_id: "RDID1" },
        { provider: "alldebrid", torrent_id: "310000001" },
        { provider: "alldebrid", torrent_id: "310000001" },
      ]);
      expect(all("SELECT provider, old_id, new_id FROM repair_torrent_renames")).toEqual([
        { provider: "alldebrid", old_id: "310000000", new_id: "310000001" },
      ]);
      expect(all("SELECT provider, torrent_id, ok FROM repair_link_checks")).toEqual([
        { provider: "realdebrid", torrent_id: "RDID1", ok: 1 },
      ]);
      // The same old id may now be renamed, or checked, under another provider.
      dbh.sqlite
        .query(
          "INSERT INTO repair_torrent_renames (provider, old_id, new_id, renamed_at) VALUES (?, ?, ?, ?)",
        )
        .run("realdebrid", "310000000", "RDNEW", NOW);
      dbh.sqlite
        .query("INSERT INTO repair_link_checks (provider, torrent_id, checked_at, ok) VALUES (?, ?, ?, 0)")
        .run("alldebrid", "RDID1", NOW);
      expect(all("SELECT COUNT(*) AS n FROM repair_torrent_renames")).toEqual([{ n: 2 }]);
      expect(all("SELECT COUNT(*) AS n FROM repair_link_checks")).toEqual([{ n: 2 }]);
      expect(all("PRAGMA foreign_key_check")).toEqual([]);
    } finally {
      dbh.close();
    }
  });
});
