import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { getTorrent } from "../../../src/db/repo/downloads.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { type FakeDebridServer, startFakeDebrid } from "../../../src/fake-debrid/index.ts";
import { FAKE_PROVIDERS, type FakeProvider } from "../../../src/fake-debrid/providers.ts";
import { createApp } from "../../../src/http/app.ts";
import { PROVIDERS } from "../../../src/providers/list.ts";
import { runRepair, scanForRepair } from "../../../src/services/repair/index.ts";
import { cli } from "../../helpers/cli.ts";
import { makeTestDeps } from "../../helpers/deps.ts";
import { startPipeline, waitFor } from "../../helpers/downloads.ts";
import { ArrQbitClient } from "../../helpers/qbit-client.ts";
import { ALL_DOWNLOADED, FAST_ENV, syncLibrary } from "../repair/helpers.ts";

/**
 * The flows users touch, for every fake in FAKE_PROVIDERS: a new provider's fake gets them with no
 * edit here. Each provider's differences live in its fake's `account` hooks.
 */

const LONG = { timeout: 60_000 };

/** Redriva's variables for this fake, with its client's test window. */
function envOf(fp: FakeProvider, fake: FakeDebridServer): Record<string, string> {
  return { ...fp.env(fake), ...fp.account.fastEnv };
}

function libraryOf(fp: FakeProvider, fake: FakeDebridServer) {
  return fp.library?.(fake.state) ?? fake.state.library;
}

/** `count` torrents finished in this fake's account, added through its API. */
function seed(fp: FakeProvider, fake: FakeDebridServer, count: number, tag: string): string[] {
  return Array.from({ length: count }, (_, i) => {
    const hash = (i + 1).toString(16).padStart(40, tag);
    return fp.account.addFinished(fake.state, hash, `${fp.kind}.Movie.${i}.2024`).id;
  });
}

for (const fp of FAKE_PROVIDERS) {
  const descriptor = PROVIDERS.find((p) => p.kind === fp.kind);
  const label = descriptor?.label ?? fp.kind;

  describe(`${label} through the interfaces users touch`, () => {
    test(
      `CLI sync full --provider ${fp.kind} gives exactly the fake's library, in our words, at the fewest requests`,
      async () => {
        await using fake = await startFakeDebrid({ library: { size: 30, seed: 3, mix: ALL_DOWNLOADED } });
        // Past one list page where the provider pages (TorBox 1,000, Debrid-Link 100); a few where a
        // full sync reads each torrent on its own.
        const pageSize = fp.account.listPageSize;
        const ids = seed(fp, fake, pageSize <= 1000 ? pageSize + 1 : 20, "b");
        const killed = libraryOf(fp, fake).torrents.get(ids[7] as string);
        if (!killed) throw new Error("seeded torrent missing");
        fp.account.kill(fake.state, killed);
        const stuck = fp.account.addStuck(fake.state, "e".repeat(40), "Still.Fetching.2024");
        using deps = makeTestDeps();
        fake.resetStats();
        const run = await cli(["sync", "full", "--provider", fp.kind], {
          DATA_DIR: deps.dataDir,
          ...envOf(fp, fake),
        });
        expect(run.code).toBe(0);
        expect(run.stdout).toContain(`Sync full of ${fp.kind}: SUCCEEDED`);
        const rows = deps.dbh.sqlite
          .query<{ id: string; hash: string; status: string; provider: string }, []>(
            "SELECT id, hash, status, provider FROM torrents ORDER BY id",
          )
          .all();
        const library = libraryOf(fp, fake);
        const expected = [...library.torrents.values()]
          .map((t) => ({ id: t.id, hash: t.hash, provider: fp.kind }))
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        expect(rows.map(({ id, hash, provider }) => ({ id, hash, provider }))).toEqual(expected);
        expect(rows.length).toBeGreaterThan(Math.min(pageSize, 50));
        const status = new Map(rows.map((r) => [r.id, r.status]));
        expect(status.get(killed.id)).toBe("dead");
        expect(status.get(stuck.id)).toBe(fp.account.stuckStatus);
        expect(status.get(ids[0] as string)).toBe("downloaded");
        // The Real-Debrid library of the same fake is not this provider's.
        if (fp.kind !== "realdebrid")
          expect(rows.some((r) => fake.state.library.torrents.has(r.id))).toBe(false);
        // Every finished torrent's files, with their sizes, as the provider holds them.
        const files = new Map(
          deps.dbh.sqlite
            .query<{ id: string; n: number; bytes: number }, [string]>(
              "SELECT torrent_id AS id, COUNT(*) AS n, SUM(bytes) AS bytes FROM torrent_files WHERE provider = ? GROUP BY torrent_id",
            )
            .all(fp.kind)
            .map((f) => [f.id, f]),
        );
        const finished = rows.filter((r) => r.status === "downloaded");
        expect(finished.length).toBeGreaterThan(ids.length - 2);
        for (const row of finished) {
          const torrent = library.torrents.get(row.id);
          expect({ id: row.id, n: files.get(row.id)?.n, bytes: files.get(row.id)?.bytes }).toEqual({
            id: row.id,
            n: torrent?.files.length,
            bytes: torrent?.files.reduce((sum, f) => sum + f.bytes, 0),
          });
        }
        const details = deps.dbh.sqlite
          .query<{ n: number }, [string]>("SELECT COUNT(*) AS n FROM torrent_details WHERE provider = ?")
          .get(fp.kind)?.n;
        expect(details).toBe(rows.length);
        // The cheapest plan the provider's API allows, and nothing refused.
        const minimum = fp.minimumRequests?.(fake.state, []);
        expect(minimum).toBeDefined();
        expect(fake.stats.requests).toBe(minimum?.full ?? -1);
        expect(fake.stats.rateLimited).toBe(0);
      },
      LONG,
    );

    test(
      `sync smart and sync torrents --provider ${fp.kind} after a day of changes cost the fewest requests`,
      async () => {
        await using fake = await startFakeDebrid({
          library: { size: 120, seed: 9, mix: { downloading: 0.1, queued: 0.05 } },
        });
        using deps = makeTestDeps();
        const env = { DATA_DIR: deps.dataDir, ...envOf(fp, fake) };
        expect((await cli(["sync", "full", "--provider", fp.kind], env)).code).toBe(0);
        const day = libraryOf(fp, fake).mutate({ added: 5, finished: 4, changed: 3, removed: 2 });
        expect(day.finished).toHaveLength(4);
        const minimum = fp.minimumRequests(fake.state, [...day.added, ...day.finished]);
        fake.resetStats();
        const smart = await cli(["sync", "smart", "--provider", fp.kind], env);
        expect(smart.code).toBe(0);
        expect(fake.stats.requests).toBe(minimum.smart);
        // Details are read for new and newly finished torrents only, whatever the batch size.
        const planned = deps.dbh.sqlite
          .query<{ id: string }, []>(
            "SELECT torrent_id AS id FROM sync_run_items WHERE run_id = (SELECT MAX(id) FROM sync_runs)",
          )
          .all()
          .map((r) => r.id);
        const changedIds = new Set([...day.added, ...day.finished]);
        expect(planned.filter((id) => !changedIds.has(id))).toEqual([]);
        const rows = new Map(
          deps.dbh.sqlite
            .query<{ id: string; status: string; removed: number | null }, [string]>(
              "SELECT id, status, removed_at AS removed FROM torrents WHERE provider = ?",
            )
            .all(fp.kind)
            .map((r) => [r.id, r]),
        );
        for (const id of day.changed) expect(rows.get(id)?.status).toBe("dead");
        for (const id of day.finished) expect(rows.get(id)?.status).toBe("downloaded");
        for (const id of day.removed) expect(rows.get(id)?.removed).not.toBeNull();
        fake.resetStats();
        expect((await cli(["sync", "torrents", "--provider", fp.kind], env)).code).toBe(0);
        expect(fake.stats.requests).toBe(minimum.list);
        expect(fake.stats.rateLimited).toBe(0);
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
            ...envOf(fp, fake),
            DEFAULT_PROVIDER: fp.kind,
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
          { timeoutMs: 30_000 },
        );
        const folder = join(p.downloadDir, "tv-sonarr", "Show.S04.1080p");
        expect(done).toMatchObject({ content_path: folder, progress: 1 });
        const sha = async (path: string) =>
          new Bun.CryptoHasher("sha256").update(await Bun.file(path).arrayBuffer()).digest("hex");
        expect(await sha(join(folder, "Show.S04E01.mkv"))).toBe(contentSha256(`${hash}:1`, 900_000));
        expect(await sha(join(folder, "Extras", "Show.S04E02.mkv"))).toBe(
          contentSha256(`${hash}:2`, 700_001),
        );
        expect(getTorrent(p.deps.dbh.db, hash)?.provider).toBe(fp.kind);
        // Added at this provider only.
        expect(fp.account.byHash(p.fake.state, hash)).toBeDefined();
        for (const other of FAKE_PROVIDERS.filter((o) => o.kind !== fp.kind))
          expect(other.account.byHash(p.fake.state, hash)).toBeUndefined();
        // The credential never reaches a stored link (TorBox's requestdl takes it as a parameter).
        const credential = descriptor ? fp.env(p.fake)[descriptor.credentialVariable] : undefined;
        expect(credential).toBeTruthy();
        const links = p.deps.dbh.sqlite.query<{ links: string }, []>("SELECT links FROM torrents").all();
        expect(JSON.stringify(links)).not.toContain(credential as string);
      },
      LONG,
    );

    test(
      "repair re-injects a dead torrent: re-added by hash, the old one removed, the others untouched",
      async () => {
        await using fake = await startFakeDebrid({ library: { size: 0, mix: ALL_DOWNLOADED } });
        const ids = seed(fp, fake, 4, "c");
        const library = libraryOf(fp, fake);
        using deps = makeTestDeps({ ...envOf(fp, fake), ...FAST_ENV, DRY_RUN: "false" });
        await syncLibrary(deps);
        const deadId = ids[2] as string;
        const dead = library.torrents.get(deadId);
        if (!dead) throw new Error("seeded torrent missing");
        const hash = dead.hash;
        fp.account.kill(fake.state, dead);

        const scan = await scanForRepair(deps, "quick");
        expect(scan.status).toBe("succeeded");
        expect(scan.newCandidates).toBe(1);
        const run = await runRepair(deps, { trigger: "cli" });
        expect(run.status).toBe("succeeded");
        expect(run.counts.repaired).toBe(1);
        const newId = run.items[0]?.newTorrentId as string;
        expect(newId).not.toBe(deadId);
        expect(library.torrents.has(deadId)).toBe(false);
        expect(library.torrents.get(newId)?.hash).toBe(hash);
        const row = deps.dbh.sqlite
          .query("SELECT hash FROM torrents WHERE provider = ? AND id = ?")
          .get(fp.kind, newId);
        expect(row).toEqual({ hash });
        const others = ids.filter((id) => id !== deadId);
        expect(others.map((id) => library.torrents.get(id)?.status)).toEqual(others.map(() => "downloaded"));
      },
      LONG,
    );
  });
}
