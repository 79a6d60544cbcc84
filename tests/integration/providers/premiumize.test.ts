import { describe, expect, test } from "bun:test";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { type FakeDebridServer, startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { premiumizeAccount } from "../../../src/fake-debrid/premiumize/account.ts";
import { FAKE_PROVIDERS } from "../../../src/fake-debrid/providers.ts";
import { addTorrents } from "../../../src/services/downloads/add.ts";
import { cli } from "../../helpers/cli.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";

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

describe("Premiumize beyond the shared flows (tests/integration/providers/flows.test.ts)", () => {
  test(
    "every transfer status arrives in our words; unfinished transfers cost no request beyond the list",
    async () => {
      // The account starts with 60 seeded transfers in every status, plus 20 finished here.
      const mix = { downloading: 0.1, queued: 0.1, magnet_conversion: 0.1, uploading: 0.1, error: 0.1 };
      await using fake = await startFakeDebrid({
        library: { size: 60, seed: 5, mix: { ...mix, magnet_error: 0.1, virus: 0.05, dead: 0.1 } },
      });
      seed(fake, 20);
      const account = premiumizeAccount(fake.state);
      using deps = makeTestDeps();
      const run = await cli(["sync", "full", "--provider", "premiumize"], {
        DATA_DIR: deps.dataDir,
        ...pmEnv(fake),
      });
      expect(run.code).toBe(0);
      const status = new Map(
        deps.dbh.sqlite
          .query<{ id: string; status: string }, []>("SELECT id, status FROM torrents")
          .all()
          .map((r) => [r.id, r.status]),
      );
      const transfers = [...account.library.torrents.values()];
      expect(status.size).toBe(transfers.length);
      // waiting → magnet_conversion, running → downloading, banned → error…
      const words: Record<string, string> = {
        waiting_files_selection: "magnet_conversion",
        compressing: "downloading",
        uploading: "downloading",
        magnet_error: "error",
        virus: "error",
      };
      for (const t of transfers) expect(status.get(t.id)).toBe(words[t.status] ?? t.status);
      expect(new Set(transfers.map((t) => t.status)).size).toBeGreaterThan(5);
      // One list, then only the cloud reads of finished transfers: none for the unfinished ones.
      const minimum = FAKE_PROVIDERS.find((p) => p.kind === "premiumize")?.minimumRequests(fake.state, []);
      expect(fake.stats.byRoute["GET /premiumize/api/transfer/list"]).toBe(1);
      expect(fake.stats.requests).toBe(minimum?.full ?? -1);
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
