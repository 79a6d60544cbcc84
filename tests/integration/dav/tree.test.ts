import { describe, expect, test } from "bun:test";
import type { Deps } from "../../../src/deps.ts";
import type { FakeTorrent } from "../../../src/fake-debrid/library.ts";
import { runSync } from "../../../src/services/sync/index.ts";
import { until } from "../../helpers/data-dir.ts";
import { DAV_CREDS, type DavFixture, startDavFixture } from "./helpers.ts";

const AUTH = `Basic ${Buffer.from(`${DAV_CREDS.username}:${DAV_CREDS.password}`).toString("base64")}`;

/** The torrent folders of a PROPFIND Depth 1 of /dav/__all__/. */
async function allNames(f: DavFixture): Promise<string[]> {
  const res = await fetch(`${f.base}/dav/__all__/`, {
    method: "PROPFIND",
    headers: { authorization: AUTH, depth: "1" },
  });
  expect(res.status).toBe(207);
  return [...(await res.text()).matchAll(/<D:href>\/dav\/__all__\/([^<]+)\/<\/D:href>/g)].map((m) =>
    decodeURIComponent(m[1] as string),
  );
}

/**
 * Adds `count` downloaded single-file torrents straight into the database (a big library in a
 * second, where syncing it from the fake would take minutes).
 */
function addBulkTorrents(deps: Deps, count: number): void {
  const { sqlite } = deps.dbh;
  const torrent = sqlite.prepare(
    `INSERT INTO torrents (id, provider, filename, status, bytes, added_on, ended_on, links, links_count,
                           first_seen_at, last_seen_at, changed_at)
     VALUES (?, 'realdebrid', ?, 'downloaded', 1000, '2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z',
             ?, 1, 0, 0, 0)`,
  );
  const file = sqlite.prepare(
    "INSERT INTO torrent_files (provider, torrent_id, file_id, path, bytes, selected) VALUES ('realdebrid', ?, 1, ?, 1000, 1)",
  );
  sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = `BULK${i}`;
      torrent.run(id, `Bulk.Library.Item.${i}.2024.1080p.WEB-DL`, JSON.stringify([`https://x.test/d/${id}`]));
      file.run(id, `/Bulk.Library.Item.${i}.2024.1080p.WEB-DL.mkv`);
    }
  })();
}

describe("WebDAV tree follows the library without holding up the server", () => {
  test("after a sync the tree is rebuilt without waiting for a request: the next PROPFIND shows the change", async () => {
    await using f = await startDavFixture({ size: 30 });
    const before = await allNames(f);
    const gone = [...f.fake.state.library.torrents.values()].find(
      (t) => t.status === "downloaded" && before.includes(t.filename),
    ) as FakeTorrent;
    f.fake.state.library.remove(gone.id);
    expect((await runSync(f.deps, "torrents", {})).status).toBe("succeeded");
    // The sync's end started the rebuild; no WebDAV request is made until it is done.
    await until(() => f.deps.dav.building === null, "the rebuild started by the sync's end");
    const after = await allNames(f);
    expect(after).toEqual(before.filter((n) => n !== gone.filename));
  });

  test("while a big tree is built, other requests are answered; a library change is listed stale, then fresh", async () => {
    await using f = await startDavFixture({ size: 4 });
    addBulkTorrents(f.deps, 20_000);
    // The first listing: the tree of 20,000 torrents is built off the server's thread.
    const first = allNames(f);
    await until(() => f.deps.dav.building !== null, "the tree's build started");
    const health = await fetch(`${f.base}/health`);
    expect(health.status).toBe(200);
    // Answered while the build was still under way (before this change the build held the thread).
    expect(f.deps.dav.snapshot).toBeNull();
    const names = await first;
    expect(names.length).toBe(20_004);

    // A change: the next answer is the listing already made (no wait), the rebuild runs meanwhile.
    f.deps.dbh.sqlite.run("UPDATE torrents SET removed_at = 1 WHERE id = 'BULK7'");
    const stale = await allNames(f);
    expect(f.deps.dav.building).not.toBeNull();
    expect(stale).toContain("Bulk.Library.Item.7.2024.1080p.WEB-DL");
    await until(() => f.deps.dav.building === null, "the rebuild after the change");
    const fresh = await allNames(f);
    expect(fresh.length).toBe(20_003);
    expect(fresh).not.toContain("Bulk.Library.Item.7.2024.1080p.WEB-DL");
  }, 120_000);
});
