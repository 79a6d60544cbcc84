import { describe, expect, test } from "bun:test";
import { openDatabase } from "../../../src/db/client.ts";
import { databaseMigratedTo } from "../../helpers/migrated-database.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const DAY = 86_400_000;

describe("upgrading to stalled-grab detection (issue 18)", () => {
  test("a grab already at the provider starts its stall clock at the upgrade, others keep theirs", () => {
    using dir = tempDir("redriva-stall-upgrade-");
    const addedLongAgo = Date.now() - 3 * DAY;
    const path = databaseMigratedTo(dir.path, "0018_arr_replacements", (sqlite) => {
      const insert = sqlite.query(
        `INSERT INTO download_torrents (hash, name, source_kind, save_path, stage, queue_order, added_on, last_activity, progress_at)
         VALUES (?, ?, 'magnet', '/downloads', ?, 1, ?, ?, ?)`,
      );
      insert.run("a".repeat(40), "At.The.Provider", "provider", addedLongAgo, addedLongAgo, addedLongAgo);
      insert.run("b".repeat(40), "On.Disk", "downloading", addedLongAgo, addedLongAgo, addedLongAgo);
    });
    const before = Date.now();
    const dbh = openDatabase(path);
    try {
      const progressAt = (hash: string) =>
        (
          dbh.sqlite.query("SELECT progress_at FROM download_torrents WHERE hash = ?").get(hash) as {
            progress_at: number;
          }
        ).progress_at;
      // Whole seconds: SQLite's clock has no finer grain here.
      expect(progressAt("a".repeat(40))).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(progressAt("b".repeat(40))).toBe(addedLongAgo);
    } finally {
      dbh.close();
    }
  });
});
