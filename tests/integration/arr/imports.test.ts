import { afterEach, describe, expect, test } from "bun:test";
import { createApp } from "../../../src/http/app.ts";
import { runSync } from "../../../src/services/sync/index.ts";
import { importRecord, qbitDownloadClient } from "../../fakes/arr-imports.ts";
import { type FakeArr, startFakeArr } from "../../fakes/arr-server.ts";
import { type Pipeline, startPipeline, waitFor } from "../../helpers/downloads.ts";
import { ArrQbitClient } from "../../helpers/qbit-client.ts";

/**
 * Import confirmation through the qBit API as Sonarr drives it, with real aria2c, the fake
 * debrid provider and three fake *arr instances over HTTP (Sonarr, Sonarr 4K, Radarr), each
 * telling its category through GET /api/v3/downloadclient (no ARR_CATEGORIES here).
 */
const SLOW_TEST = { timeout: 60_000 };
const PORT = 6500;
const fakes: FakeArr[] = [];
afterEach(async () => {
  for (const fake of fakes.splice(0)) await fake.stop();
});

function arrs() {
  const start = (kind: "sonarr" | "radarr", category: string) => {
    const fake = startFakeArr({
      kind,
      downloadClients: [qbitDownloadClient(kind, { port: PORT, category })],
    });
    fakes.push(fake);
    return fake;
  };
  const sonarr = start("sonarr", "tv-sonarr");
  const sonarr4k = start("sonarr", "tv-4k");
  const radarr = start("radarr", "radarr");
  const env = {
    PORT: String(PORT),
    SONARR_URL: sonarr.url,
    SONARR_API_KEY: sonarr.apiKey,
    SONARR_URL_2: sonarr4k.url,
    SONARR_API_KEY_2: sonarr4k.apiKey,
    SONARR_NAME_2: "Sonarr 4K",
    RADARR_URL: radarr.url,
    RADARR_API_KEY: radarr.apiKey,
  };
  return { sonarr, sonarr4k, radarr, env };
}

function qbit(p: Pipeline) {
  const app = createApp(p.deps);
  return {
    app,
    client: new ArrQbitClient((r) => app.request(r), `http://localhost:${PORT}`, null),
  };
}

async function stateOf(c: ArrQbitClient, hash: string): Promise<string | undefined> {
  const list = (await (await c.call("GET", "torrents/info", { query: { hashes: hash } })).json()) as Array<{
    state: string;
  }>;
  return list[0]?.state;
}

async function grab(p: Pipeline, c: ArrQbitClient, name: string, category: string) {
  const { hash, magnet } = p.magnet(name, [{ path: `/${name}.mkv`, bytes: 4000 }]);
  expect(await (await c.call("POST", "torrents/add", { form: { urls: magnet, category } })).text()).toBe(
    "Ok.",
  );
  await waitFor(async () => (await stateOf(c, hash)) === "pausedUP", { timeoutMs: 30_000, what: "pausedUP" });
  return hash;
}

const historyReads = (fake: FakeArr) =>
  fake.requests.filter((r) => r.startsWith("GET /api/v3/history")).length;

const importRow = (p: Pipeline, hash: string) =>
  p.deps.dbh.sqlite
    .query("select arr_instance, source_title, provider_removed_at from download_imports where hash = ?")
    .get(hash) as { arr_instance: string; source_title: string; provider_removed_at: number | null } | null;

describe("import confirmation (DOWNLOAD_DELETE_AT_PROVIDER=imported)", () => {
  test(
    "the 4K Sonarr's history shows the import: `imported` on /downloads, then removed at the provider, never before",
    async () => {
      const { sonarr, sonarr4k, radarr, env } = arrs();
      await using p = await startPipeline({
        env: { ...env, DOWNLOAD_DELETE_AT_PROVIDER: "imported", ARR_IMPORT_CHECK_MS: "100" },
      });
      const { app, client } = qbit(p);
      const hash = await grab(p, client, "Show.S01E01.2160p", "tv-4k");

      // Several rounds ask the 4K instance (the one whose download client uses tv-4k) while its
      // history is empty: the provider keeps the torrent, nothing is recorded.
      const before = historyReads(sonarr4k);
      await waitFor(() => historyReads(sonarr4k) >= before + 3, { what: "three history reads" });
      expect(p.fake.state.byHash(hash)).toBeDefined();
      expect(importRow(p, hash)).toBeNull();
      expect(await (await app.request("http://localhost/downloads")).text()).not.toContain("imported ·");
      // The other instances are not asked about it.
      expect(historyReads(sonarr)).toBe(0);
      expect(historyReads(radarr)).toBe(0);

      importRecord(sonarr4k, hash, { title: "Show.S01E01.2160p.WEB" });
      await waitFor(() => p.fake.state.byHash(hash) === undefined, { what: "removal at the provider" });
      // Recorded once the provider answered.
      await waitFor(() => importRow(p, hash)?.provider_removed_at, { what: "the removal recorded" });
      expect(importRow(p, hash)).toMatchObject({
        arr_instance: "sonarr2",
        source_title: "Show.S01E01.2160p.WEB",
      });
      // The download itself stays for the *arr (it removes it when it wants), files included.
      expect(await stateOf(client, hash)).toBe("pausedUP");
      const html = await (await app.request("http://localhost/downloads")).text();
      expect(html).toContain("imported · Sonarr 4K");
    },
    SLOW_TEST,
  );

  test(
    "a download the *arr deletes right after importing goes at the provider only if its history shows the import",
    async () => {
      const { radarr, env } = arrs();
      await using p = await startPipeline({
        // No round in this test: the delete itself asks the history.
        env: { ...env, DOWNLOAD_DELETE_AT_PROVIDER: "imported", ARR_IMPORT_CHECK_MS: "3600000" },
      });
      const { client } = qbit(p);
      const rowGone = (hash: string) =>
        p.deps.dbh.sqlite.query("select 1 from download_torrents where hash = ?").get(hash) === null;

      const notImported = await grab(p, client, "Movie.A.2020", "radarr");
      await client.call("POST", "torrents/delete", { form: { hashes: notImported, deleteFiles: "true" } });
      await waitFor(() => rowGone(notImported));
      await waitFor(() =>
        radarr.requests.some((r) => r.startsWith("GET /api/v3/history") && !r.includes("/since")),
      );
      // The fake compares download ids as the *arrs do (upper-case hash, case-sensitive). The
      // answer was "no import": a removal would be one loopback call, give it far more time.
      await Bun.sleep(500);
      expect(p.fake.state.byHash(notImported)).toBeDefined();

      const imported = await grab(p, client, "Movie.B.2021", "radarr");
      importRecord(radarr, imported);
      await client.call("POST", "torrents/delete", { form: { hashes: imported, deleteFiles: "true" } });
      await waitFor(() => p.fake.state.byHash(imported) === undefined, { what: "removal at the provider" });
      expect(p.fake.state.byHash(notImported)).toBeDefined();
    },
    SLOW_TEST,
  );

  test(
    "DOWNLOAD_DELETE_AT_PROVIDER=never: the import is shown, the provider keeps its copy",
    async () => {
      const { sonarr, env } = arrs();
      await using p = await startPipeline({ env: { ...env, ARR_IMPORT_CHECK_MS: "100" } });
      const { app, client } = qbit(p);
      const hash = await grab(p, client, "Show.S02E03.1080p", "tv-sonarr");
      importRecord(sonarr, hash);
      await waitFor(() => importRow(p, hash), { what: "the import recorded" });
      expect(importRow(p, hash)).toMatchObject({ arr_instance: "sonarr", provider_removed_at: null });
      expect(p.fake.state.byHash(hash)).toBeDefined();
      // The library's torrent page says it too, once a sync brought the torrent in.
      await runSync(p.deps, "smart");
      const { provider_id } = p.deps.dbh.sqlite
        .query("select provider_id from download_torrents where hash = ?")
        .get(hash) as { provider_id: string };
      const page = await app.request(`http://localhost/torrents/realdebrid/${provider_id}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/imported<\/span> by Sonarr,/);
    },
    SLOW_TEST,
  );
});
