import { describe, expect, test } from "bun:test";
import { cachedLibraryStats } from "../../../src/services/stats/index.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { ManualClock } from "../../helpers/manual-clock.ts";

const HOUR = 3_600_000;

describe("the /stats report's cache", () => {
  test("library figures wait for a library change; the clock's figures move each minute", async () => {
    const clock = new ManualClock();
    using deps = makeTestDeps({}, undefined, { clock });
    const addTorrent = (id: string, status: string) =>
      deps.dbh.sqlite
        .query(
          `INSERT INTO torrents (id, filename, status, bytes, added_on, first_seen_at, last_seen_at, changed_at)
           VALUES (?, ?, ?, 1000, ?, ?, ?, ?)`,
        )
        .run(
          id,
          `Name.${id}`,
          status,
          new Date(clock.now()).toISOString(),
          clock.now(),
          clock.now(),
          clock.now(),
        );
    addTorrent("A", "downloaded");
    addTorrent("B", "downloading");

    const first = cachedLibraryStats(deps);
    expect(first.overview.torrents).toBe(2);
    expect(first.recent.last24h.count).toBe(2);

    // A day later, nothing changed in the library: the scans of the whole library are not redone
    // (the same figures), while "last 24 h" has moved on.
    await clock.advance(25 * HOUR);
    const later = cachedLibraryStats(deps);
    expect(later.recent.last24h.count).toBe(0);
    expect(later.recent.last7d.count).toBe(2);
    expect(later.byStatus).toBe(first.byStatus);
    expect(later.generatedAt).toBe(clock.now());

    // A change in the library shows at once, within the same minute.
    addTorrent("C", "dead");
    const changed = cachedLibraryStats(deps);
    expect(changed.overview.torrents).toBe(3);
    expect(changed.errors.failed).toBe(1);
    expect(changed.recent.last24h.count).toBe(1);
  });
});
