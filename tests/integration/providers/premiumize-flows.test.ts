import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { type FakeDebridServer, startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { premiumizeAccount } from "../../../src/fake-debrid/premiumize/account.ts";
import { FAKE_PROVIDERS } from "../../../src/fake-debrid/providers.ts";
import { createApp } from "../../../src/http/app.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { runRepair, scanForRepair } from "../../../src/services/repair/index.ts";
import { cli } from "../../helpers/cli.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";
import { ArrQbitClient } from "../../helpers/qbit-client.ts";
import { ALL_DOWNLOADED, FAST_ENV, syncLibrary } from "../repair/helpers.ts";

const LONG = { timeout: 30_000 };

/** Redriva's variables for the fake Premiumize (from its FAKE_PROVIDERS entry). */
function pmEnv(fake: FakeDebridServer): Record<string, string> {
  const entry = FAKE_PROVIDERS.find((p) => p.kind === "premiumize");
  if (!entry) throw new Error("no fake Premiumize");
  return entry.env(fake);
}

/** `count` finished transfers in the fake Premiumize account. */
function seed(fake: FakeDebridServer, count: number): string[] {
  const account = premiumizeAccount(fake.state);
  return Array.from({ length: count }, (_, i) => {
    const hash = (i + 1).toString(16).padStart(40, "b");
    const torrent = account.add(hash, `Premiumize.Movie.${i}.2024`, `magnet:?xt=urn:btih:${hash}`);
    account.finish(torrent);
    return torrent.id;
  });
}

describe("Premiumize through the interfaces users touch", () => {
  test(
    "CLI sync full --provider premiumize gives exactly the fake's transfers and cloud files",
    async () => {
      // The account starts with 40 seeded transfers in every status, plus 20 finished here.
      await using fake = await startFakeDebrid({ library: { size: 40, seed: 5 } });
      const ids = seed(fake, 20);
      const account = premiumizeAccount(fake.state);
      account.kill(ids[3] as string);
      using deps = makeTestDeps();
      const run = await cli(["sync", "full", "--provider", "premiumize"], {
        DATA_DIR: deps.dataDir,
        ...pmEnv(fake),
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Sync full of premiumize: SUCCEEDED");
      const rows = deps.dbh.sqlite
        .query<{ id: string; hash: string; status: string; provider: string }, []>(
          "SELECT id, hash, status, provider FROM torrents ORDER BY id",
        )
        .all();
      const transfers = [...account.library.torrents.values()];
      expect(rows.map(({ id, hash, provider }) => ({ id, hash, provider }))).toEqual(
        transfers
          .map((t) => ({ id: t.id, hash: t.hash, provider: "premiumize" }))
          .sort((a, b) => (a.id < b.id ? -1 : 1)),
      );
      const status = new Map(rows.map((r) => [r.id, r.status]));
      expect(status.get(ids[3] as string)).toBe("dead");
      expect(status.get(ids[0] as string)).toBe("downloaded");
      // Every seeded status arrives in our words (waiting → magnet_conversion, running → downloading…).
      const words: Record<string, string> = {
        waiting_files_selection: "magnet_conversion",
        compressing: "downloading",
        uploading: "downloading",
        magnet_error: "error",
        virus: "error",
      };
      for (const t of transfers) expect(status.get(t.id)).toBe(words[t.status] ?? t.status);
      // The files of every finished transfer, with their sizes, as the cloud holds them.
      const finished = transfers.filter((t) => t.status === "downloaded");
      const files = deps.dbh.sqlite
        .query<{ n: number; bytes: number }, []>(
          "SELECT COUNT(*) AS n, SUM(bytes) AS bytes FROM torrent_files WHERE provider = 'premiumize'",
        )
        .get();
      expect(files?.n).toBe(finished.reduce((n, t) => n + t.files.length, 0));
      expect(files?.bytes).toBe(finished.reduce((n, t) => n + t.files.reduce((b, f) => b + f.bytes, 0), 0));
      // The Real-Debrid library of the same fake is not Premiumize's.
      expect(rows.some((r) => fake.state.library.torrents.has(r.id))).toBe(false);
      // One list, then no other list for settled transfers: one folder or file read per finished one.
      const unsettled = transfers.filter((t) =>
        [
          "magnet_conversion",
          "waiting_files_selection",
          "queued",
          "downloading",
          "compressing",
          "uploading",
        ].includes(t.status),
      ).length;
      // (Lookups of unsettled transfers made at the same time share one list: at most one each.)
      expect(fake.stats.byRoute["GET /premiumize/api/transfer/list"]).toBeLessThanOrEqual(1 + unsettled);
      const single = finished.filter((t) => t.files.length === 1 && t.files[0]?.path.split("/").length === 2);
      expect(fake.stats.byRoute["GET /premiumize/api/item/details"] ?? 0).toBe(single.length);
      expect(fake.stats.byRoute["GET /premiumize/api/folder/list"] ?? 0).toBe(
        finished.length - single.length,
      );
    },
    LONG,
  );

  test(
    "smart sync after a day of changes reads only new and finished transfers; sizes survive a list-only sync",
    async () => {
      await using fake = await startFakeDebrid({ library: { size: 60, seed: 8 } });
      const account = premiumizeAccount(fake.state);
      // Still running at the full sync, finished by the smart one.
      const running = account.add(
        "a".repeat(40),
        "Running.Movie.2024",
        `magnet:?xt=urn:btih:${"a".repeat(40)}`,
      );
      running.status = "downloading";
      const lifecycle = account.added.get(running.id);
      if (lifecycle) lifecycle.pollsUntilNext = 1_000;
      using deps = makeTestDeps();
      const env = { DATA_DIR: deps.dataDir, ...pmEnv(fake) };
      expect((await cli(["sync", "full", "--provider", "premiumize"], env)).code).toBe(0);
      const sizes = () =>
        deps.dbh.sqlite
          .query<{ id: string; bytes: number; links: string }, []>(
            "SELECT id, bytes, links FROM torrents WHERE status = 'downloaded' ORDER BY id",
          )
          .all();
      const before = sizes();
      expect(before.every((t) => t.bytes > 0 && t.links !== "[]")).toBe(true);
      const day = account.library.mutate({ added: 4, changed: 3, removed: 1 });
      account.finish(running);
      day.finished.push(running.id);
      fake.resetStats();
      const smart = await cli(["sync", "smart", "--provider", "premiumize"], env);
      expect(smart.code).toBe(0);
      // One list, then one folder or file read per new or newly finished transfer; nothing else.
      const reads = [...day.added, ...day.finished].length;
      expect(smart.stdout).toContain(`requests: ${1 + reads} (1 list, ${reads} details)`);
      const status = new Map(
        deps.dbh.sqlite
          .query<{ id: string; status: string }, []>("SELECT id, status FROM torrents")
          .all()
          .map((r) => [r.id, r.status]),
      );
      for (const id of day.changed) expect(status.get(id)).toBe("dead");
      for (const id of day.finished) expect(status.get(id)).toBe("downloaded");
      fake.resetStats();
      expect((await cli(["sync", "torrents", "--provider", "premiumize"], env)).code).toBe(0);
      expect(fake.stats.requests).toBe(1);
      // The list has no sizes or links: the ones the details wrote stay.
      const kept = new Map(sizes().map((t) => [t.id, t]));
      for (const t of before.filter((b) => kept.has(b.id))) expect(kept.get(t.id)).toEqual(t);
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
          ...pmEnv(fake),
          DEFAULT_PROVIDER: "premiumize",
          REDRIVA_USERNAME: creds.username,
          REDRIVA_PASSWORD: creds.password,
        }),
      });
      const app = createApp(p.deps);
      const qbit = new ArrQbitClient((r) => app.request(r), "http://localhost:6500", creds);
      const { hash, magnet } = p.magnet("Show.S04.1080p", [
        { path: "/Show.S04.1080p/Show.S04E01.mkv", bytes: 900_000 },
        { path: "/Show.S04.1080p/Extras/Show.S04E02.mkv", bytes: 700_001 },
        { path: "/Show.S04.1080p/Show.S04.nfo", bytes: 300 },
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
      const folder = join(p.downloadDir, "tv-sonarr", "Show.S04.1080p");
      expect(done).toMatchObject({ content_path: folder, progress: 1 });
      const sha = async (path: string) =>
        new Bun.CryptoHasher("sha256").update(await Bun.file(path).arrayBuffer()).digest("hex");
      expect(await sha(join(folder, "Show.S04E01.mkv"))).toBe(contentSha256(`${hash}:1`, 900_000));
      expect(await sha(join(folder, "Extras", "Show.S04E02.mkv"))).toBe(contentSha256(`${hash}:2`, 700_001));
      expect(getTorrent(p.deps.dbh.db, hash)?.provider).toBe("premiumize");
      expect(premiumizeAccount(p.fake.state).byHash(hash)).toBeDefined();
      expect(p.fake.state.byHash(hash)).toBeUndefined();
    },
    LONG,
  );

  test(
    "repair re-injects a dead Premiumize transfer: re-added by hash, the old one removed",
    async () => {
      await using fake = await startFakeDebrid({ library: { size: 0, mix: ALL_DOWNLOADED } });
      const ids = seed(fake, 4);
      const account = premiumizeAccount(fake.state);
      using deps = makeTestDeps({ ...pmEnv(fake), ...FAST_ENV, DRY_RUN: "false" });
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
        .query("SELECT hash FROM torrents WHERE provider = 'premiumize' AND id = ?")
        .get(newId);
      expect(row).toEqual({ hash });
      // The other transfers and their cloud files were not touched.
      const others = ids.filter((id) => id !== deadId);
      expect(others.map((id) => account.library.torrents.get(id)?.status)).toEqual(
        others.map(() => "downloaded"),
      );
      expect(account.files.size).toBeGreaterThanOrEqual(others.length);
    },
    LONG,
  );

  test(
    "DOWNLOAD_REQUIRE_CACHED: /cache/check decides; an uncached transfer is removed again, a cached one lands",
    async () => {
      await using p = await startPipeline({
        noRealDebrid: true,
        fake: { instantAvailability: false },
        env: (fake) => ({ ...pmEnv(fake), DEFAULT_PROVIDER: "premiumize", DOWNLOAD_REQUIRE_CACHED: "true" }),
      });
      const account = premiumizeAccount(p.fake.state);
      const cached = p.magnet("Cached.Movie.2023", [{ path: "/Cached.Movie.2023.mkv", bytes: 400_000 }]);
      const cold = p.magnet("Cold.Movie.2023", [{ path: "/Cold.Movie.2023.mkv", bytes: 400_000 }]);
      account.cached.add(cached.hash);
      await addTorrents(p.deps, { urls: [cached.magnet, cold.magnet], files: [] });
      const finished = (hash: string) =>
        waitFor(
          () => {
            const t = getTorrent(p.deps.dbh.db, hash);
            return t?.stage === "done" || t?.stage === "error" ? t : null;
          },
          { timeoutMs: 20_000 },
        );
      const done = await finished(cached.hash);
      expect(done).toMatchObject({ stage: "done", provider: "premiumize", error: null });
      const refused = await finished(cold.hash);
      expect(refused.stage).toBe("error");
      expect(refused.error).toContain("not cached");
      expect(account.byHash(cold.hash)).toBeUndefined();
      expect(p.fake.stats.byRoute["POST /premiumize/api/cache/check"]).toBe(2);
    },
    LONG,
  );

  test(
    "a finished transfer whose cloud folder was deleted reads as dead, without links",
    async () => {
      await using fake = await startFakeDebrid({ library: { size: 0 } });
      const account = premiumizeAccount(fake.state);
      const hash = "c".repeat(40);
      account.scripts.set(hash, {
        files: [
          { path: "/Gone.S01/Gone.S01E01.mkv", bytes: 1000 },
          { path: "/Gone.S01/Gone.S01E02.mkv", bytes: 2000 },
        ],
      });
      const torrent = account.add(hash, "Gone.S01", `magnet:?xt=urn:btih:${hash}`);
      account.finish(torrent);
      using deps = makeTestDeps(pmEnv(fake));
      const provider = deps.providers.require("premiumize");
      const before = await provider.getTorrent(torrent.id);
      expect(before).toMatchObject({ status: "downloaded", bytes: 3000, progress: 100 });
      expect(before.files.map((f) => f.path)).toEqual([
        "/Gone.S01/Gone.S01E01.mkv",
        "/Gone.S01/Gone.S01E02.mkv",
      ]);
      expect(before.links).toHaveLength(2);
      account.deleteContent(torrent.id);
      const after = await provider.getTorrent(torrent.id);
      expect(after).toMatchObject({ status: "dead", links: [], files: [] });
    },
    LONG,
  );
});
