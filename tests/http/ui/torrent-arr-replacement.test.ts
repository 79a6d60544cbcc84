import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { saveReplacement } from "../../../src/db/repo/arr-replacements.ts";
import { startUiFixture, type UiFixture } from "../../helpers/ui-fixture.ts";

let fx: UiFixture;
beforeAll(async () => {
  fx = await startUiFixture({ size: 20 });
});
afterAll(() => fx.close());

describe("the torrent page tells what Sonarr/Radarr was asked after a failed grab (issue 18)", () => {
  test("a dry run's plan, in words, beside the torrent's facts", async () => {
    const torrent = fx.deps.dbh.sqlite
      .query("SELECT provider, id, hash FROM torrents WHERE hash IS NOT NULL LIMIT 1")
      .get() as { provider: string; id: string; hash: string };
    const now = Date.now();
    saveReplacement(fx.deps.dbh.db, null, {
      hash: torrent.hash,
      name: "Show.S01E05",
      category: "tv-sonarr",
      reason: "infringing",
      failed_at: now,
      dry_run: true,
      outcome: "planned",
      arr_kind: "sonarr",
      arr_url: "http://sonarr:8989",
      queue_id: 77,
      tries: 1,
      created_at: now,
      updated_at: now,
    });
    const html = await (
      await fx.app.request(`http://localhost/torrents/${torrent.provider}/${torrent.id}`)
    ).text();
    expect(html).toContain(
      '<dt>Sonarr/Radarr</dt><dd id="arr-replacement">Dry run (infringing): would remove it from the Sonarr queue (item 77) with blocklist, so Sonarr searches another release</dd>',
    );
  });
});
