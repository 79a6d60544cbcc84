import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { buildTorrentFile, parseTorrentFile } from "../../../src/domain/torrent-file.ts";
import { contentSha256 } from "../../../src/fake-debrid/content.ts";
import { createApp } from "../../../src/http/app.ts";
import { type Pipeline, startPipeline, waitFor } from "../../helpers/downloads.ts";
import { ArrQbitClient } from "../../helpers/qbit-client.ts";

const CREDS = { username: "sonarr", password: "pw" };
/** Real aria2c and throttled downloads: generous bounds for a loaded CI machine. */
const SLOW_TEST = { timeout: 30_000 };
const ENV = { REDRIVA_USERNAME: CREDS.username, REDRIVA_PASSWORD: CREDS.password };

type Info = {
  hash: string;
  state: string;
  progress: number;
  content_path: string;
  save_path: string;
  size: number;
  amount_left: number;
  name: string;
};

function client(p: Pipeline) {
  const app = createApp(p.deps);
  return new ArrQbitClient((r) => app.request(r), "http://localhost:6500", CREDS);
}

async function info(c: ArrQbitClient, hash: string): Promise<Info | undefined> {
  const list = (await (await c.call("GET", "torrents/info", { query: { hashes: hash } })).json()) as Info[];
  return list[0];
}

async function sha256(path: string): Promise<string> {
  return new Bun.CryptoHasher("sha256").update(await Bun.file(path).arrayBuffer()).digest("hex");
}

describe("from grab to disk (Real-Debrid, real aria2c)", () => {
  test(
    "magnet → provider → aria2c → the right bytes at content_path → pausedUP",
    async () => {
      await using p = await startPipeline({ env: ENV });
      const c = client(p);
      const size = 3 * 1024 * 1024 + 17;
      const { hash, magnet } = p.magnet("Movie.2020.1080p.BluRay", [
        { path: "/Movie.2020.1080p.BluRay.mkv", bytes: size },
      ]);
      expect(
        await (
          await c.call("POST", "torrents/add", {
            form: { urls: magnet, category: "radarr", paused: "False" },
          })
        ).text(),
      ).toBe("Ok.");
      expect((await info(c, hash))?.state).toMatch(/metaDL|queuedDL|downloading/);
      const done = await waitFor(async () => {
        const t = await info(c, hash);
        return t?.state === "pausedUP" ? t : null;
      });
      const expected = join(p.downloadDir, "radarr", "Movie.2020.1080p.BluRay.mkv");
      expect(done).toMatchObject({
        content_path: expected,
        save_path: join(p.downloadDir, "radarr"),
        progress: 1,
        amount_left: 0,
        size,
      });
      expect(await sha256(expected)).toBe(contentSha256(`${hash}:1`, size));
      // Nothing left behind: no partial, no aria2 control file, no scratch folder.
      expect(readdirSync(join(p.downloadDir, "radarr"))).toEqual(["Movie.2020.1080p.BluRay.mkv"]);
      expect(existsSync(join(p.deps.config.downloads.incompleteDir, hash))).toBe(false);
    },
    SLOW_TEST,
  );

  test(
    "season pack: video files selected, one folder at content_path, files endpoint relative to save_path",
    async () => {
      await using p = await startPipeline({ env: ENV });
      const c = client(p);
      const { hash, magnet } = p.magnet("Show.S01.1080p", [
        { path: "/Show.S01.1080p/Show.S01E01.mkv", bytes: 1_000_000 },
        { path: "/Show.S01.1080p/Show.S01E02.mkv", bytes: 1_200_000 },
        { path: "/Show.S01.1080p/Show.S01.nfo", bytes: 900 },
      ]);
      await c.call("POST", "torrents/add", { form: { urls: magnet, category: "tv-sonarr" } });
      const done = await waitFor(async () => {
        const t = await info(c, hash);
        return t?.state === "pausedUP" ? t : null;
      });
      const folder = join(p.downloadDir, "tv-sonarr", "Show.S01.1080p");
      expect(done.content_path).toBe(folder);
      expect(done.size).toBe(2_200_000);
      expect(readdirSync(folder).sort()).toEqual(["Show.S01E01.mkv", "Show.S01E02.mkv"]);
      expect(await sha256(join(folder, "Show.S01E02.mkv"))).toBe(contentSha256(`${hash}:2`, 1_200_000));
      const files = (await (await c.call("GET", "torrents/files", { query: { hash } })).json()) as Array<{
        name: string;
        progress: number;
      }>;
      expect(files.map((f) => f.name)).toEqual([
        "Show.S01.1080p/Show.S01E01.mkv",
        "Show.S01.1080p/Show.S01E02.mkv",
      ]);
      expect(files.every((f) => f.progress === 1)).toBe(true);
    },
    SLOW_TEST,
  );

  test(
    ".torrent upload and a category with its own save path",
    async () => {
      await using p = await startPipeline({ env: ENV });
      const c = client(p);
      await c.call("POST", "torrents/createCategory", { form: { category: "movies-4k", savePath: "uhd" } });
      const bytes = buildTorrentFile("Film.2160p.mkv", [{ path: "Film.2160p.mkv", length: 2_000_000 }]);
      const hash = parseTorrentFile(bytes)?.hash as string;
      const add = await c.call("POST", "torrents/add", {
        multipart: [
          { name: "torrents", filename: "Film.2160p.torrent", bytes },
          { name: "category", value: "movies-4k" },
        ],
      });
      expect(await add.text()).toBe("Ok.");
      const done = await waitFor(async () => {
        const t = await info(c, hash);
        return t?.state === "pausedUP" ? t : null;
      });
      expect(done.content_path).toBe(join(p.downloadDir, "uhd", "Film.2160p.mkv"));
      expect(await sha256(done.content_path)).toBe(contentSha256(`${hash}:1`, 2_000_000));
    },
    SLOW_TEST,
  );

  test(
    "a requested savepath (inside DOWNLOAD_DIR) wins over the category folder",
    async () => {
      await using p = await startPipeline({ env: ENV });
      const c = client(p);
      const { hash, magnet } = p.magnet("Doc", [{ path: "/Doc.mkv", bytes: 500_000 }]);
      await c.call("POST", "torrents/add", {
        form: { urls: magnet, category: "tv", savepath: join(p.downloadDir, "elsewhere") },
      });
      const done = await waitFor(async () => {
        const t = await info(c, hash);
        return t?.state === "pausedUP" ? t : null;
      });
      expect(done.content_path).toBe(join(p.downloadDir, "elsewhere", "Doc.mkv"));
    },
    SLOW_TEST,
  );
});

describe("control while downloading", () => {
  const SLOW = { fake: { downloadBytesPerSecond: 2 * 1024 * 1024 } };

  test(
    "pause stops aria2c and keeps the partial data; resume finishes with the right bytes",
    async () => {
      await using p = await startPipeline({ env: ENV, ...SLOW });
      const c = client(p);
      const size = 6 * 1024 * 1024;
      const { hash, magnet } = p.magnet("Slow.Movie", [{ path: "/Slow.Movie.mkv", bytes: size }]);
      await c.call("POST", "torrents/add", { form: { urls: magnet } });
      await waitFor(async () => ((await info(c, hash))?.progress ?? 0) > 0.1, { what: "some progress" });
      await c.call("POST", "torrents/pause", { form: { hashes: hash } });
      const paused = await waitFor(async () => {
        const active = await p.runtime.engine.aria2.tellActive();
        const t = await info(c, hash);
        return active.length === 0 && t?.state === "pausedDL" ? t : null;
      });
      const partial = join(p.deps.config.downloads.incompleteDir, hash, "Slow.Movie.mkv");
      expect(existsSync(partial)).toBe(true);
      expect(paused.progress).toBeGreaterThan(0);
      expect(paused.progress).toBeLessThan(1);
      await c.call("POST", "torrents/resume", { form: { hashes: hash } });
      const done = await waitFor(async () => {
        const t = await info(c, hash);
        return t?.state === "pausedUP" ? t : null;
      });
      expect(await sha256(done.content_path)).toBe(contentSha256(`${hash}:1`, size));
    },
    SLOW_TEST,
  );

  test(
    "delete with deleteFiles removes partial data mid-download, and finished data after",
    async () => {
      await using p = await startPipeline({ env: ENV, ...SLOW });
      const c = client(p);
      const { hash, magnet } = p.magnet("Going.Away", [{ path: "/Going.Away.mkv", bytes: 8 * 1024 * 1024 }]);
      await c.call("POST", "torrents/add", { form: { urls: magnet } });
      const scratch = join(p.deps.config.downloads.incompleteDir, hash);
      await waitFor(async () => ((await info(c, hash))?.progress ?? 0) > 0.05 && existsSync(scratch));
      await c.call("POST", "torrents/delete", { form: { hashes: hash, deleteFiles: "true" } });
      expect(await info(c, hash)).toBeUndefined();
      await waitFor(
        async () => !existsSync(scratch) && (await p.runtime.engine.aria2.tellActive()).length === 0,
        { what: "partial data gone" },
      );

      p.fake.state.options.downloadBytesPerSecond = 0;
      const small = p.magnet("Kept.Then.Gone", [{ path: "/Kept.mkv", bytes: 300_000 }]);
      const kept = p.magnet("Kept.Forever", [{ path: "/Forever.mkv", bytes: 300_000 }]);
      for (const m of [small, kept]) await c.call("POST", "torrents/add", { form: { urls: m.magnet } });
      const [a, b] = await waitFor(async () => {
        const x = await info(c, small.hash);
        const y = await info(c, kept.hash);
        return x?.state === "pausedUP" && y?.state === "pausedUP" ? [x, y] : null;
      });
      await c.call("POST", "torrents/delete", { form: { hashes: small.hash, deleteFiles: "true" } });
      await c.call("POST", "torrents/delete", { form: { hashes: kept.hash } });
      await waitFor(() => !existsSync(a?.content_path as string), { what: "finished data removed" });
      await p.runtime.tick();
      expect(existsSync(b?.content_path as string)).toBe(true);
    },
    SLOW_TEST,
  );

  test(
    "an expired link is unrestricted again and the download resumes",
    async () => {
      await using p = await startPipeline({ env: ENV, ...SLOW });
      const c = client(p);
      const size = 5 * 1024 * 1024;
      const { hash, magnet } = p.magnet("Expiring", [{ path: "/Expiring.mkv", bytes: size }]);
      await c.call("POST", "torrents/add", { form: { urls: magnet } });
      await waitFor(async () => ((await info(c, hash))?.progress ?? 0) > 0.1);
      // Links die; the connection drops and aria2c comes back with the old link: 404. The
      // reconciler sees the failed try, asks the provider for a fresh link and aria2c continues
      // from its control file.
      p.fake.state.expireDownloadLinks();
      const aria2 = p.runtime.engine.aria2;
      const gid = (await aria2.tellActive())[0]?.gid as string;
      await aria2.call("aria2.pause", gid);
      await waitFor(async () => (await aria2.tellStatus(gid)).status === "paused");
      await aria2.call("aria2.unpause", gid);
      const done = await waitFor(async () => {
        const t = await info(c, hash);
        return t?.state === "pausedUP" ? t : null;
      });
      expect(await sha256(done.content_path)).toBe(contentSha256(`${hash}:1`, size));
      expect(p.fake.stats.byRoute["POST /rest/1.0/unrestrict/link"]).toBe(2);
      const row = p.deps.dbh.sqlite.query("select attempts from download_files where hash = ?").get(hash) as {
        attempts: number;
      };
      expect(row.attempts).toBe(1);
    },
    SLOW_TEST,
  );
});

describe("honest errors", () => {
  test(
    "infringing_file becomes state error with that reason, never an endless queue",
    async () => {
      await using p = await startPipeline({ env: ENV });
      const c = client(p);
      const { hash, magnet } = p.magnet("Blocked", [{ path: "/Blocked.mkv", bytes: 1000 }]);
      p.fake.state.scripts.set(hash, { addError: "infringing_file" });
      await c.call("POST", "torrents/add", { form: { urls: magnet } });
      await waitFor(async () => (await info(c, hash))?.state === "error");
      const row = p.deps.dbh.sqlite.query("select error from download_torrents where hash = ?").get(hash) as {
        error: string;
      };
      expect(row.error).toContain("infringing_file");
    },
    SLOW_TEST,
  );

  test(
    "a torrent dead at the provider goes to error",
    async () => {
      await using p = await startPipeline({ env: ENV });
      const c = client(p);
      const { hash, magnet } = p.magnet("Dead", [{ path: "/Dead.mkv", bytes: 1000 }]);
      p.fake.state.scripts.set(hash, {
        files: [{ path: "/Dead.mkv", bytes: 1000 }],
        finalStatus: "magnet_error",
      });
      await c.call("POST", "torrents/add", { form: { urls: magnet } });
      await waitFor(async () => (await info(c, hash))?.state === "error");
    },
    SLOW_TEST,
  );

  test(
    "DOWNLOAD_REQUIRE_CACHED: an uncached torrent is refused (and removed at the provider)",
    async () => {
      await using p = await startPipeline({
        env: { ...ENV, DOWNLOAD_REQUIRE_CACHED: "true" },
        fake: { instantAvailability: false },
      });
      const c = client(p);
      const { hash, magnet } = p.magnet("Not.Cached", [{ path: "/Not.Cached.mkv", bytes: 1000 }]);
      await c.call("POST", "torrents/add", { form: { urls: magnet } });
      await waitFor(async () => (await info(c, hash))?.state === "error");
      const row = p.deps.dbh.sqlite.query("select error from download_torrents where hash = ?").get(hash) as {
        error: string;
      };
      expect(row.error).toContain("not cached");
      expect(p.fake.state.byHash(hash)).toBeUndefined();
    },
    SLOW_TEST,
  );

  test(
    "links that keep failing: error after DOWNLOAD_MAX_ATTEMPTS with the reason",
    async () => {
      await using p = await startPipeline({ env: { ...ENV, DOWNLOAD_MAX_ATTEMPTS: "2" } });
      const c = client(p);
      const { hash, magnet } = p.magnet("Unavailable", [{ path: "/Unavailable.mkv", bytes: 1000 }]);
      // The hoster's file is gone: every unrestrict answers file_unavailable.
      const original = p.fake.state.library.links.get.bind(p.fake.state.library.links);
      p.fake.state.library.links.get = (id: string) => {
        const link = original(id);
        if (link && p.fake.state.library.torrents.get(link.torrentId)?.hash === hash)
          p.fake.state.deadLinks.add(id);
        return link;
      };
      await c.call("POST", "torrents/add", { form: { urls: magnet } });
      await waitFor(async () => (await info(c, hash))?.state === "error", { timeoutMs: 20_000 });
      const row = p.deps.dbh.sqlite.query("select error from download_torrents where hash = ?").get(hash) as {
        error: string;
      };
      expect(row.error).toContain("file_unavailable");
      expect(row.error).toContain("2 attempts");
    },
    SLOW_TEST,
  );
});

describe("DOWNLOAD_DELETE_AT_PROVIDER", () => {
  const rowGone = (p: Pipeline, hash: string) =>
    p.deps.dbh.sqlite.query("select 1 from download_torrents where hash = ?").get(hash) === null;

  for (const [policy, removed] of [
    ["never", false],
    ["unfinished", false],
    ["always", true],
  ] as const) {
    test(
      `${policy}: a finished torrent deleted by the *arr ${removed ? "is removed from" : "stays in"} the debrid library`,
      async () => {
        await using p = await startPipeline({ env: { ...ENV, DOWNLOAD_DELETE_AT_PROVIDER: policy } });
        const c = client(p);
        const { hash, magnet } = p.magnet(`Done.${policy}`, [{ path: `/Done.${policy}.mkv`, bytes: 5000 }]);
        await c.call("POST", "torrents/add", { form: { urls: magnet, category: "radarr" } });
        const done = await waitFor(async () => {
          const t = await info(c, hash);
          return t?.state === "pausedUP" ? t : null;
        });
        expect(p.fake.state.byHash(hash)).toBeDefined();
        await c.call("POST", "torrents/delete", { form: { hashes: hash, deleteFiles: "true" } });
        await waitFor(() => rowGone(p, hash));
        expect(existsSync(done.content_path)).toBe(false);
        if (removed) await waitFor(() => p.fake.state.byHash(hash) === undefined);
        else {
          // A removal would be one loopback call: give it far more time than it needs.
          await Bun.sleep(500);
          expect(p.fake.state.byHash(hash)).toBeDefined();
        }
      },
      SLOW_TEST,
    );
  }

  test(
    "unfinished: a grab still at the provider is removed there when the *arr gives up on it",
    async () => {
      await using p = await startPipeline({
        env: { ...ENV, DOWNLOAD_DELETE_AT_PROVIDER: "unfinished" },
        fake: { instantAvailability: false, pollsPerStep: 100_000 },
      });
      const c = client(p);
      const { hash, magnet } = p.magnet("Stalled", [{ path: "/Stalled.mkv", bytes: 5000 }]);
      await c.call("POST", "torrents/add", { form: { urls: magnet, category: "tv-sonarr" } });
      await waitFor(() => p.fake.state.byHash(hash) !== undefined);
      expect((await info(c, hash))?.state).toMatch(/metaDL|downloading|queuedDL|stalledDL/);
      await c.call("POST", "torrents/delete", { form: { hashes: hash, deleteFiles: "false" } });
      await waitFor(() => rowGone(p, hash));
      await waitFor(() => p.fake.state.byHash(hash) === undefined);
    },
    SLOW_TEST,
  );
});
