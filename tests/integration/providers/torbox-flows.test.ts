import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { type FakeDebridServer, startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { FAKE_PROVIDERS } from "../../../src/fake-debrid/providers.ts";
import { torBoxAccount } from "../../../src/fake-debrid/torbox/account.ts";
import { createApp } from "../../../src/http/app.ts";
import { runRepair, scanForRepair } from "../../../src/services/repair/index.ts";
import { cli } from "../../helpers/cli.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";
import { ArrQbitClient } from "../../helpers/qbit-client.ts";
import { ALL_DOWNLOADED, FAST_ENV, syncLibrary } from "../repair/helpers.ts";

const LONG = { timeout: 60_000 };

/** Redriva's variables for the fake TorBox (from its FAKE_PROVIDERS entry). */
function tbEnv(fake: FakeDebridServer): Record<string, string> {
  const entry = FAKE_PROVIDERS.find((p) => p.kind === "torbox");
  if (!entry) throw new Error("no fake TorBox");
  return entry.env(fake);
}

/** `count` finished torrents in the fake TorBox account. */
function seed(fake: FakeDebridServer, count: number): string[] {
  const account = torBoxAccount(fake.state);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { torrent } = account.add((i + 1).toString(16).padStart(40, "b"), `TorBox.Movie.${i}.2024`);
    account.finish(torrent, "completed");
    ids.push(torrent.id);
  }
  return ids;
}

describe("TorBox through the interfaces users touch", () => {
  test(
    "CLI sync full --provider torbox gives exactly the fake's library, TorBox's states in our words",
    async () => {
      await using fake = await startFakeDebrid({ library: { size: 30, seed: 3, mix: ALL_DOWNLOADED } });
      // 1,061 torrents (30 in the account already): two mylist pages of 1,000; one whose files
      // TorBox dropped, one in metaDL.
      const ids = seed(fake, 1_030);
      const account = torBoxAccount(fake.state);
      const expired = account.library.torrents.get(ids[7] as string);
      if (expired) account.expire(expired);
      const { torrent: fetching } = account.add("e".repeat(40), "Still.Fetching.2024");
      const slow = account.meta.get(fetching.id);
      if (slow) slow.pollsUntilNext = 1_000_000;
      using deps = makeTestDeps();
      const run = await cli(["sync", "full", "--provider", "torbox"], {
        DATA_DIR: deps.dataDir,
        ...tbEnv(fake),
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Sync full of torbox: SUCCEEDED");
      const rows = deps.dbh.sqlite
        .query<{ id: string; hash: string; status: string; provider: string }, []>(
          "SELECT id, hash, status, provider FROM torrents ORDER BY id",
        )
        .all();
      const expected = [...account.library.torrents.values()]
        .map((t) => ({ id: t.id, hash: t.hash, provider: "torbox" }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(rows.map(({ id, hash, provider }) => ({ id, hash, provider }))).toEqual(expected);
      const status = new Map(rows.map((r) => [r.id, r.status]));
      expect(status.get(ids[7] as string)).toBe("dead");
      expect(status.get(fetching.id)).toBe("magnet_conversion");
      expect(status.get(ids[0] as string)).toBe("downloaded");
      // The Real-Debrid library of the same fake is not TorBox's.
      expect(rows.some((r) => fake.state.library.torrents.has(r.id))).toBe(false);
      const files = deps.dbh.sqlite
        .query<{ n: number }, []>("SELECT COUNT(*) AS n FROM torrent_files WHERE provider = 'torbox'")
        .get()?.n;
      const known = [...account.library.torrents.values()]
        .filter((t) => t.id !== fetching.id)
        .reduce((sum, t) => sum + t.files.length, 0);
      expect(files).toBe(known);
      // The cheapest plan TorBox allows: mylist carries files, so two pages and not one more request.
      expect(fake.stats.byRoute).toEqual({ "GET /v1/api/torrents/mylist": 2 });
      expect(fake.stats.rateLimited).toBe(0);
      const details = deps.dbh.sqlite
        .query<{ n: number }, []>("SELECT COUNT(*) AS n FROM torrent_details WHERE provider = 'torbox'")
        .get()?.n;
      expect(details).toBe(rows.length);
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
          ...tbEnv(fake),
          DEFAULT_PROVIDER: "torbox",
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
      expect(getTorrent(p.deps.dbh.db, hash)?.provider).toBe("torbox");
      expect(torBoxAccount(p.fake.state).byHash(hash)).toBeDefined();
      expect(p.fake.state.byHash(hash)).toBeUndefined();
      // Files fetched through requestdl: the token went as a query parameter, never into a link.
      const links = p.deps.dbh.sqlite.query<{ links: string }, []>("SELECT links FROM torrents").all();
      expect(JSON.stringify(links)).not.toContain(torBoxAccount(p.fake.state).apiKey);
    },
    LONG,
  );

  test(
    "repair re-injects a TorBox torrent whose files are gone: re-added by hash, the old one removed",
    async () => {
      await using fake = await startFakeDebrid({ library: { size: 0, mix: ALL_DOWNLOADED } });
      const ids = seed(fake, 4);
      const account = torBoxAccount(fake.state);
      using deps = makeTestDeps({ ...tbEnv(fake), ...FAST_ENV, DRY_RUN: "false" });
      await syncLibrary(deps);
      const deadId = ids[2] as string;
      const dead = account.library.torrents.get(deadId);
      const hash = dead?.hash;
      if (dead) account.expire(dead);

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
        .query("SELECT hash FROM torrents WHERE provider = 'torbox' AND id = ?")
        .get(newId);
      expect(row).toEqual({ hash });
    },
    LONG,
  );
});
