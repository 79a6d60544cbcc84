import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildTorrentFile, parseTorrentFile } from "../../../src/domain/torrent-file.ts";
import { cli } from "../../helpers/cli.ts";
import { type Pipeline, randomHash, startPipeline, waitFor } from "../../helpers/downloads.ts";

// `redriva downloads` is a second process in real life: here a second connection to the same
// database file, while the pipeline (fake provider, real aria2c) plays the running server.
const SLOW_TEST = { timeout: 30_000 };

const envOf = (p: Pipeline) => ({
  DATA_DIR: p.deps.dataDir,
  RD_API_TOKEN: "fake-token",
  RD_API_URL: p.fake.rdApiUrl,
  DOWNLOAD_DIR: p.downloadDir,
});

interface JsonRow {
  hash: string;
  name: string;
  phase: string;
  category: string;
  contentPath: string | null;
  paused: boolean;
}
async function listJson(p: Pipeline): Promise<{ active: JsonRow[]; finished: JsonRow[] }> {
  const { code, stdout } = await cli(["downloads", "list", "--json"], envOf(p));
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

/** The server's next tick (scheduled every 30 s at most when idle), run now. */
async function untilTicked<T>(p: Pipeline, probe: () => T | Promise<T>) {
  return waitFor(async () => {
    await p.runtime.tick();
    return probe();
  });
}

describe("redriva downloads", () => {
  test(
    "add a magnet with a category → the running server downloads it → list shows it finished",
    async () => {
      await using p = await startPipeline();
      const { hash, magnet } = p.magnet("Cli.Movie.2021", [{ path: "/Cli.Movie.2021.mkv", bytes: 40_000 }]);
      const added = await cli(["downloads", "add", magnet, "--category", "radarr"], envOf(p));
      expect(added).toMatchObject({ code: 0, stdout: `added ${hash}` });
      expect((await listJson(p)).active.map((r) => r.hash)).toEqual([hash]);

      const done = await untilTicked(p, async () =>
        (await listJson(p)).finished.find((r) => r.hash === hash && r.phase === "done"),
      );
      expect(done).toMatchObject({
        category: "radarr",
        contentPath: join(p.downloadDir, "radarr", "Cli.Movie.2021.mkv"),
      });
      expect(existsSync(done.contentPath as string)).toBe(true);
      const human = await cli(["downloads"], envOf(p));
      expect(human.code).toBe(0);
      expect(human.stdout).toContain("Finished (last 10): 1");
      expect(human.stdout).toContain(`${hash}  done`);
    },
    SLOW_TEST,
  );

  test(
    "a .torrent file by path; pause, resume, delete --delete-files",
    async () => {
      await using p = await startPipeline();
      const bytes = buildTorrentFile("Cli.Show.S01E01.mkv", [
        { path: "Cli.Show.S01E01.mkv", length: 30_000 },
      ]);
      const hash = parseTorrentFile(bytes)?.hash as string;
      const file = join(p.root, "show.torrent");
      await Bun.write(file, bytes);
      const added = await cli(["downloads", "add", file, "--paused", "--category", "tv-sonarr"], envOf(p));
      expect(added).toMatchObject({ code: 0, stdout: `added ${hash}` });
      expect((await listJson(p)).active[0]).toMatchObject({ hash, phase: "paused", paused: true });

      expect((await cli(["downloads", "resume", hash], envOf(p))).stdout).toBe(
        "resume: 1 torrent(s) changed",
      );
      const done = await untilTicked(p, async () =>
        (await listJson(p)).finished.find((r) => r.hash === hash),
      );
      expect(existsSync(done.contentPath as string)).toBe(true);

      expect((await cli(["downloads", "pause", hash], envOf(p))).stdout).toBe("pause: 0 torrent(s) changed");
      const removed = await cli(["downloads", "delete", hash, "--delete-files"], envOf(p));
      expect(removed).toMatchObject({ code: 0, stdout: "delete: 1 torrent(s) changed" });
      await untilTicked(p, () => !existsSync(done.contentPath as string));
      expect(await listJson(p)).toEqual({ active: [], finished: [] });
    },
    SLOW_TEST,
  );

  test("bad input: clear errors, exit codes, nothing written", async () => {
    await using p = await startPipeline();
    const env = envOf(p);
    const notAFile = await cli(["downloads", "add", join(p.root, "missing.torrent")], env);
    expect(notAFile.code).toBe(2);
    expect(notAFile.stderr).toContain("not a magnet, a URL or a readable file (ENOENT)");

    const badMagnet = await cli(["downloads", "add", "magnet:?xt=urn:btih:nothex"], env);
    expect(badMagnet.code).toBe(1);
    expect(badMagnet.stderr).toStartWith("refused magnet:");

    const notAHash = await cli(["downloads", "pause", "deadbeef"], env);
    expect(notAHash).toMatchObject({ code: 2, stderr: "not an info-hash (40 hex characters): deadbeef" });

    const unknown = randomHash();
    const missing = await cli(["downloads", "delete", unknown], env);
    expect(missing).toMatchObject({
      code: 1,
      stderr: `unknown: ${unknown}`,
      stdout: "delete: 0 torrent(s) changed",
    });

    const badCount = await cli(["downloads", "list", "--finished", "-3"], env);
    expect(badCount.code).toBe(2);
    expect(await listJson(p)).toEqual({ active: [], finished: [] });
  });
});
