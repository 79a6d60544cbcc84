import { describe, expect, test } from "bun:test";
import { libraryTotals } from "../../../src/db/repo/library-stats.ts";
import { compactStatsLine } from "../../../src/services/stats/compact.ts";
import { makeTestDeps } from "../../helpers/deps.ts";

const STATUSES = [
  "downloaded",
  "downloading",
  "queued",
  "magnet_conversion",
  "waiting_files_selection",
  "compressing",
  "uploading",
  "magnet_error",
  "error",
  "virus",
  "dead",
  "some_new_status",
];

describe("the library totals of stats --compact", () => {
  test("count present torrents by status group, bytes, removed ones and details like a plain count does", () => {
    using deps = makeTestDeps();
    const s = deps.dbh.sqlite;
    const insert = s.query(
      `INSERT INTO torrents (id, filename, status, bytes, added_on, first_seen_at, last_seen_at, changed_at, removed_at)
       VALUES (?, ?, ?, ?, '2026-01-01T00:00:00.000Z', 1, 1, 1, ?)`,
    );
    const details = s.query(
      "INSERT INTO torrent_details (id, name, status, size, fetched_at) VALUES (?, ?, 'downloaded', 1, 1)",
    );
    for (let i = 0; i < 60; i++) {
      const id = `T${i}`;
      insert.run(
        id,
        `Name.${i}`,
        STATUSES[i % STATUSES.length] as string,
        1000 * (i + 1),
        i % 7 === 0 ? 5 : null,
      );
      if (i % 3 !== 0) details.run(id, `Name.${i}`);
    }

    const t = libraryTotals(deps.dbh);
    const present = (where: string) =>
      (
        s.query(`SELECT COUNT(*) AS n FROM torrents WHERE removed_at IS NULL AND ${where}`).get() as {
          n: number;
        }
      ).n;
    expect(t).toEqual({
      torrents: present("1"),
      bytes: (s.query("SELECT SUM(bytes) AS b FROM torrents WHERE removed_at IS NULL").get() as { b: number })
        .b,
      active: present(
        "status IN ('magnet_conversion','waiting_files_selection','queued','downloading','compressing','uploading')",
      ),
      failed: present("status IN ('magnet_error','error','virus','dead')"),
      removed: 9,
      withDetails: (
        s
          .query(
            "SELECT COUNT(*) AS n FROM torrent_details d JOIN torrents t ON t.id = d.id WHERE t.removed_at IS NULL",
          )
          .get() as { n: number }
      ).n,
    });
    // Figures worked out by hand, so the assertions above can fail on a wrong reference too.
    expect(t.torrents).toBe(51);
    expect(t.active).toBe(26);
    expect(t.failed).toBe(17);
    expect(compactStatsLine(deps.dbh)).toMatch(
      /^51 torrents \| 34 details \(66\.7%\) \| 26 active \| 17 errors \| /,
    );
  });

  test("an empty library reads as zeros", () => {
    using deps = makeTestDeps();
    expect(libraryTotals(deps.dbh)).toEqual({
      torrents: 0,
      bytes: 0,
      active: 0,
      failed: 0,
      removed: 0,
      withDetails: 0,
    });
  });
});
