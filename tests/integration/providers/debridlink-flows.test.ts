import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { debridLinkAccount } from "../../../src/fake-debrid/debridlink/account.ts";
import { type FakeDebridServer, startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { FAKE_PROVIDERS } from "../../../src/fake-debrid/providers.ts";
import { createApp } from "../../../src/http/app.ts";
import { runRepair, scanForRepair } from "../../../src/services/repair/index.ts";
import { cli } from "../../helpers/cli.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";
import { ArrQbitClient } from "../../helpers/qbit-client.ts";
import { ALL_DOWNLOADED, FAST_ENV, syncLibrary } from "../repair/helpers.ts";

const LONG = { timeout: 30_000 };

/** Redriva's variables for the fake Debrid-Link (from its FAKE_PROVIDERS entry), fast window. */
function dlEnv(fake: FakeDebridServer): Record<string, string> {
  const entry = FAKE_PROVIDERS.find((p) => p.kind === "debridlink");
  if (!entry) throw new Error("no fake Debrid-Link");
  return { ...entry.env(fake), DEBRIDLINK_RATE_LIMIT: "250", DEBRIDLINK_RATE_WINDOW_MS: "1000" };
}

/** `count` complete torrents in the fake Debrid-Link seedbox (plus the shared library's names). */
function seed(fake: FakeDebridServer, count: number): string[] {
  const account = debridLinkAccount(fake.state);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const torrent = account.add((i + 1).toString(16).padStart(40, "d"), `DebridLink.Movie.${i}.2024`);
    account.finish(torrent);
    ids.push(torrent.id);
  }
  return ids;
}

describe("Debrid-Link through the interfaces users touch", () => {
  test(
    "CLI sync full --provider debridlink gives exactly the fake's seedbox",
    async () => {
      await using fake = await startFakeDebrid({ library: { size: 30, seed: 3 } });
      // 30 seeded (a twin of the shared library) + 131 added: two pages of seedbox/list; one
      // stopped before its end, one still fetching its metadata.
      const ids = seed(fake, 130);
      const account = debridLinkAccount(fake.state);
      account.kill(ids[7] as string);
      const fetching = account.add("e".repeat(40), "Still.Fetching.2024");
      const slow = account.meta.get(fetching.id);
      if (slow) slow.pollsUntilNext = 1_000;
      using deps = makeTestDeps();
      const env = { DATA_DIR: deps.dataDir, ...dlEnv(fake) };
      const run = await cli(["sync", "full", "--provider", "debridlink"], env);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Sync full of debridlink: SUCCEEDED");
      const rows = deps.dbh.sqlite
        .query<{ id: string; hash: string; status: string; provider: string }, []>(
          "SELECT id, hash, status, provider FROM torrents ORDER BY id",
        )
        .all();
      const expected = [...account.library.torrents.values()]
        .map((t) => ({ id: t.id, hash: t.hash, provider: "debridlink" }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(rows.map(({ id, hash, provider }) => ({ id, hash, provider }))).toEqual(expected);
      const status = new Map(rows.map((r) => [r.id, r.status]));
      expect(status.get(ids[7] as string)).toBe("dead");
      expect(status.get(fetching.id)).toBe("magnet_conversion");
      expect(status.get(ids[0] as string)).toBe("downloaded");
      // The Real-Debrid library of the same fake is not Debrid-Link's.
      expect(rows.some((r) => fake.state.library.torrents.has(r.id))).toBe(false);
      const files = deps.dbh.sqlite
        .query<{ n: number }, []>("SELECT COUNT(*) AS n FROM torrent_files WHERE provider = 'debridlink'")
        .get()?.n;
      // Files are listed once the metadata is known (not for torrents still fetching it).
      const all = [...account.library.torrents.values()];
      const known = all
        .filter((t) => account.view(t).phase !== "metadata")
        .reduce((sum, t) => sum + t.files.length, 0);
      expect(files).toBe(known);
      // Two pages of 100, files included: no request per torrent, even for a full sync.
      expect(all.length).toBe(30 + 131);
      expect(fake.stats.byRoute["GET /debrid-link/api/v2/seedbox/list"]).toBe(2);
    },
    LONG,
  );

  test(
    "a Sonarr-style grab through the qBit API lands the right bytes, pausedUP, at content_path",
    async () => {
      const creds = { username: "admin", password: "correct horse battery" };
      await using p = await startPipeline({
        noRealDebrid: true,
        env: (fake) => ({
          ...dlEnv(fake),
          DEFAULT_PROVIDER: "debridlink",
          REDRIVA_USERNAME: creds.username,
          REDRIVA_PASSWORD: creds.password,
        }),
      });
      const app = createApp(p.deps);
      const qbit = new ArrQbitClient((r) => app.request(r), "http://localhost:6500", creds);
      const { hash, magnet } = p.magnet("Show.S02.1080p", [
        { path: "/Show.S02.1080p/Show.S02E01.mkv", bytes: 900_000 },
        { path: "/Show.S02.1080p/Show.S02E02.mkv", bytes: 700_001 },
        { path: "/Show.S02.1080p/Show.S02.nfo", bytes: 300 },
      ]);
      const added = await qbit.call("POST", "torrents/add", {
        form: { urls: magnet, category: "tv-sonarr" },
      });
      expect(await added.text()).toBe("Ok.");
      const done = await waitFor(
        async () => {
          const list = (await (
            await qbit.call("GET", "torrents/info", { query: { hashes: hash } })
          ).json()) as Array<{ state: string; content_path: string; progress: number }>;
          return list[0]?.state === "pausedUP" ? list[0] : null;
        },
        { timeoutMs: 20_000 },
      );
      const folder = join(p.downloadDir, "tv-sonarr", "Show.S02.1080p");
      expect(done).toMatchObject({ content_path: folder, progress: 1 });
      const sha = async (path: string) =>
        new Bun.CryptoHasher("sha256").update(await Bun.file(path).arrayBuffer()).digest("hex");
      expect(await sha(join(folder, "Show.S02E01.mkv"))).toBe(contentSha256(`${hash}:1`, 900_000));
      expect(await sha(join(folder, "Show.S02E02.mkv"))).toBe(contentSha256(`${hash}:2`, 700_001));
      expect(getTorrent(p.deps.dbh.db, hash)?.provider).toBe("debridlink");
      expect(debridLinkAccount(p.fake.state).byHash(hash)).toBeDefined();
      expect(p.fake.state.byHash(hash)).toBeUndefined();
    },
    LONG,
  );

  test(
    "repair re-injects a dead Debrid-Link torrent: re-added by hash, the old one removed",
    async () => {
      await using fake = await startFakeDebrid({ library: { size: 0, mix: ALL_DOWNLOADED } });
      const ids = seed(fake, 4);
      const account = debridLinkAccount(fake.state);
      using deps = makeTestDeps({ ...dlEnv(fake), ...FAST_ENV, DRY_RUN: "false" });
      await syncLibrary(deps);
      const deadId = ids[2] as string;
      const hash = account.library.torrents.get(deadId)?.hash;
      account.kill(deadId);

      const scan = await scanForRepair(deps, "quick");
      expect(scan.status).toBe("succeeded");
      expect(scan.newCandidates).toBe(1);
      const run = await runRepair(deps, { trigger: "cli" });
      expect(run.status).toBe("succeeded");
      expect(run.counts.repaired).toBe(1);
      const newId = run.items[0]?.newTorrentId as string;
      expect(newId).not.toBe(deadId);
      expect(account.library.torrents.has(deadId)).toBe(false);
      expect(account.library.torrents.get(newId)?.hash).toBe(hash);
      const row = deps.dbh.sqlite
        .query("SELECT hash FROM torrents WHERE provider = 'debridlink' AND id = ?")
        .get(newId);
      expect(row).toEqual({ hash });
    },
    LONG,
  );
});
