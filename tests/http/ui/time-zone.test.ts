import { describe, expect, test } from "bun:test";
import { createApp } from "../../../src/http/app.ts";
import { makeTestDeps } from "../../helpers/deps.ts";

const SEEN = Date.UTC(2026, 10, 20, 14, 3, 59);

describe("library pages show times in the configured zone", () => {
  test("a torrent's first-seen time is JOBS_TIMEZONE's clock, as on /jobs and in reports", async () => {
    using deps = makeTestDeps({ JOBS_TIMEZONE: "Europe/Paris" });
    deps.dbh.sqlite
      .query(
        `INSERT INTO torrents (id, provider, filename, status, first_seen_at, last_seen_at, changed_at)
         VALUES ('ZONED1', 'realdebrid', 'Zoned.Movie', 'downloaded', ?, ?, ?)`,
      )
      .run(SEEN, SEEN, SEEN);
    const html = await (await createApp(deps).request("http://localhost/torrents/realdebrid/ZONED1")).text();
    expect(html).toContain("<dt>First seen</dt><dd>2026-11-20 15:03</dd>");
  });
});
