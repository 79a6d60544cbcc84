import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { allDebridAccount } from "../../../src/fake-debrid/alldebrid/account.ts";
import { type FakeDebridServer, startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { createApp } from "../../../src/http/app.ts";
import { reinjectTorrent } from "../../../src/services/repair/index.ts";
import { cli } from "../../helpers/cli.ts";
import { makeTestDeps, type TestDeps } from "../../helpers/deps.ts";

const AD_COUNT = 25;

/** An AllDebrid account with `count` ready magnets (numeric ids from 310000001). */
function seedAllDebrid(fake: FakeDebridServer, count: number): string[] {
  const account = allDebridAccount(fake.state);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const hash = (i + 1).toString(16).padStart(40, "c");
    const { torrent } = account.add(hash, `AllDebrid.Only.Movie.${i}.2024`);
    account.finish(torrent);
    ids.push(torrent.id);
  }
  return ids;
}

const adEnv = (fake: FakeDebridServer) => ({ AD_API_KEY: fake.adApiKey, AD_API_URL: fake.adApiUrl });

describe("an AllDebrid-only configuration", () => {
  let fake: FakeDebridServer;
  let deps: TestDeps;
  let adIds: string[];
  let sync: Awaited<ReturnType<typeof cli>>;
  const get = (path: string) => createApp(deps).request(`http://localhost${path}`);

  beforeAll(async () => {
    fake = await startFakeDebrid({ library: { size: 0 } });
    adIds = seedAllDebrid(fake, AD_COUNT);
    deps = makeTestDeps(adEnv(fake));
    sync = await cli(["sync", "full"], { DATA_DIR: deps.dataDir, ...adEnv(fake) });
  });
  afterAll(async () => {
    await fake.close();
    deps[Symbol.dispose]();
  });

  test("sync full (CLI) mirrors the library, details and files into the same tables", () => {
    expect(sync.code).toBe(0);
    expect(sync.stdout).toContain("Sync full of alldebrid: SUCCEEDED");
    expect(sync.stdout).toContain(`${AD_COUNT} listed, ${AD_COUNT} new`);
    const one = (sql: string) => deps.dbh.sqlite.query<{ n: number }, []>(sql).get()?.n;
    expect(one("SELECT COUNT(*) AS n FROM torrents WHERE provider = 'alldebrid'")).toBe(AD_COUNT);
    expect(one("SELECT COUNT(*) AS n FROM torrents WHERE provider <> 'alldebrid'")).toBe(0);
    expect(one("SELECT COUNT(*) AS n FROM torrent_details WHERE provider = 'alldebrid'")).toBe(AD_COUNT);
    expect(one("SELECT COUNT(*) AS n FROM torrent_files WHERE provider = 'alldebrid'")).toBeGreaterThan(0);
    const run = deps.dbh.sqlite
      .query<{ provider: string; total_requests: number; list_requests: number }, []>(
        "SELECT provider, total_requests, list_requests FROM sync_runs",
      )
      .all();
    // One /v4.1/magnet/status for the list, then one /v4/magnet/files for up to 100 ready magnets.
    expect(run).toEqual([{ provider: "alldebrid", total_requests: 2, list_requests: 1 }]);
  });

  test("the web list, search, stats and detail page show it", async () => {
    const list = await (await get("/api/torrents?per_page=50")).json();
    expect(list.total).toBe(AD_COUNT);
    expect(new Set(list.torrents.map((t: { provider: string }) => t.provider))).toEqual(
      new Set(["alldebrid"]),
    );
    const found = await (await get("/api/torrents?q=Movie.7.2024")).json();
    expect(found.torrents.map((t: { name: string }) => t.name)).toEqual(["AllDebrid.Only.Movie.7.2024"]);
    const html = await (await get("/torrents?provider=alldebrid")).text();
    expect(html).toContain(`href="/torrents/alldebrid/${adIds[0]}"`);
    const stats = await (await get("/api/stats")).json();
    expect(stats.overview.torrents).toBe(AD_COUNT);
    expect(stats.byProvider).toEqual([expect.objectContaining({ provider: "alldebrid", count: AD_COUNT })]);
    const detail = await get(`/torrents/alldebrid/${adIds[3]}`);
    expect(detail.status).toBe(200);
    expect(await detail.text()).toContain("AllDebrid.Only.Movie.3.2024");
    const report = await cli(["stats"], { DATA_DIR: deps.dataDir, ...adEnv(fake) });
    expect(report.stdout).toMatch(/BY PROVIDER\n\s+alldebrid\s+25/);
    expect(report.stdout).toContain("full (alldebrid): succeeded");
    const dashboard = await (await get("/")).text();
    expect(dashboard).toMatch(
      /data-card="torrents"><div class="label">Torrents<\/div><div class="value">25</,
    );
  });
});

describe("Real-Debrid and AllDebrid together", () => {
  test("the same id at both providers keeps both torrents, each with its own details", async () => {
    await using fake = await startFakeDebrid({ library: { size: 30, seed: 5 }, rateLimit: 10_000 });
    const [sharedId] = seedAllDebrid(fake, 3) as [string];
    // The AllDebrid account starts with its own 30 magnets (a twin of the shared library's options).
    const adTotal = allDebridAccount(fake.state).library.torrents.size;
    expect(adTotal).toBe(30 + 3);
    // Real-Debrid hands out the very id AllDebrid gave its first magnet.
    const rdTorrent = fake.state.library.build(
      "RealDebrid.Twin.2024",
      "downloaded",
      new Date().toISOString(),
    );
    rdTorrent.id = sharedId;
    fake.state.library.insert(rdTorrent);
    fake.state.library.makeLinks(rdTorrent);
    using deps = makeTestDeps({
      RD_API_TOKEN: fake.state.options.token,
      RD_API_URL: fake.rdApiUrl,
      RD_RATE_LIMIT: "10000",
      ...adEnv(fake),
    });
    const run = await cli(["sync", "full"], {
      DATA_DIR: deps.dataDir,
      RD_API_TOKEN: fake.state.options.token,
      RD_API_URL: fake.rdApiUrl,
      RD_RATE_LIMIT: "10000",
      ...adEnv(fake),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Sync full of realdebrid: SUCCEEDED");
    expect(run.stdout).toContain("Sync full of alldebrid: SUCCEEDED");
    const rows = deps.dbh.sqlite
      .query<{ provider: string; filename: string; name: string }, [string]>(
        `SELECT t.provider, t.filename, d.name FROM torrents t
           JOIN torrent_details d ON d.provider = t.provider AND d.id = t.id WHERE t.id = ? ORDER BY t.provider`,
      )
      .all(sharedId);
    expect(rows).toEqual([
      { provider: "alldebrid", filename: "AllDebrid.Only.Movie.0.2024", name: "AllDebrid.Only.Movie.0.2024" },
      { provider: "realdebrid", filename: "RealDebrid.Twin.2024", name: "RealDebrid.Twin.2024" },
    ]);
    expect(
      deps.dbh.sqlite
        .query<{ n: number }, []>("SELECT COUNT(*) AS n FROM torrents WHERE removed_at IS NULL")
        .get()?.n,
    ).toBe(31 + adTotal);
    // A second sync of one provider leaves the other's rows alone.
    const again = await cli(["sync", "torrents", "--provider", "realdebrid"], {
      DATA_DIR: deps.dataDir,
      RD_API_TOKEN: fake.state.options.token,
      RD_API_URL: fake.rdApiUrl,
      RD_RATE_LIMIT: "10000",
      ...adEnv(fake),
    });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("alldebrid");
    expect(
      deps.dbh.sqlite
        .query<{ n: number }, []>(
          "SELECT COUNT(*) AS n FROM torrents WHERE provider = 'alldebrid' AND removed_at IS NULL",
        )
        .get()?.n,
    ).toBe(adTotal);
    // A bare id that two providers share is a question, not a guess.
    const app = createApp(deps);
    expect((await app.request(`http://localhost/torrents/${sharedId}`)).status).toBe(400);
    const bothPages = await Promise.all(
      ["realdebrid", "alldebrid"].map(async (p) =>
        (await app.request(`http://localhost/api/torrents/${p}/${sharedId}`)).json(),
      ),
    );
    expect(bothPages.map((d) => d.torrent.filename)).toEqual([
      "RealDebrid.Twin.2024",
      "AllDebrid.Only.Movie.0.2024",
    ]);
    const onlyAd = await (await app.request("http://localhost/api/torrents?provider=alldebrid")).json();
    expect(onlyAd.total).toBe(adTotal);
    // Repair too asks instead of guessing whose torrent a shared id is.
    await expect(reinjectTorrent(deps, sharedId, { dryRun: true })).rejects.toThrow(
      "could belong to alldebrid or realdebrid",
    );
    const planned = await reinjectTorrent(deps, sharedId, { dryRun: true, provider: "alldebrid" });
    expect(planned).toMatchObject({ outcome: "planned", filename: "AllDebrid.Only.Movie.0.2024" });
  });

  test("--provider names a configured provider or is refused with exit 2", async () => {
    await using fake = await startFakeDebrid({ library: { size: 1 } });
    using deps = makeTestDeps();
    const run = await cli(["sync", "smart", "--provider", "torbox"], {
      DATA_DIR: deps.dataDir,
      ...adEnv(fake),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"torbox" is not a configured provider (configured: alldebrid)');
  });
});
