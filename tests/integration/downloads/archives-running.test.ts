import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { rar5, videoBytes, zip } from "../../helpers/archives.ts";
import { ARR_ENV, ArrGrab } from "../../helpers/arr-grab.ts";
import { type Pipeline, startPipeline, waitFor } from "../../helpers/downloads.ts";
import { GatedUnar, isRunning } from "../../helpers/gated-unar.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/** Real aria2c, real unar: generous bounds for a loaded CI machine. */
const SLOW_TEST = { timeout: 60_000 };
const MB = 1024 * 1024;

const sha = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

async function add(p: Pipeline, name: string, files: Array<{ path: string; content: Uint8Array }>) {
  const sonarr = new ArrGrab(p);
  const { hash, magnet } = p.magnet(
    name,
    files.map((f) => ({ path: f.path, bytes: f.content.length, content: f.content })),
  );
  await sonarr.add(magnet);
  return { sonarr, hash };
}

/** Scratch folders of an extraction under `folder` (none once it stopped or finished). */
const scratchIn = (folder: string) =>
  readdirSync(folder, { recursive: true, encoding: "utf8" }).filter((f) => f.includes(".redriva-"));

describe("an extraction while it runs (issue 17 §2)", () => {
  test(
    "its progress is qBit's progress and the /downloads bar, with the words: a pack of two sets held after the first",
    async () => {
      using dir = tempDir("redriva-gated-unar-");
      const unar = new GatedUnar(dir.path);
      await using p = await startPipeline({ env: { ...ARR_ENV, UNAR_BIN: unar.bin } });
      const e1 = videoBytes(600_000, 41);
      const e2 = videoBytes(400_000, 42);
      const { sonarr, hash } = await add(p, "Pack.S01", [
        {
          path: "/Pack.S01/E01/pack.s01e01.rar",
          content: rar5([{ name: "E01.mkv", content: e1 }])[0] as Uint8Array,
        },
        { path: "/Pack.S01/E02/pack.s01e02.zip", content: zip([{ name: "E02.mkv", content: e2 }]) },
      ]);
      // The first set is written, the second not started: 600 000 of 1 000 000 bytes.
      const held = await waitFor(
        async () => {
          const t = await sonarr.info(hash);
          return t && t.progress === 0.6 ? t : null;
        },
        { timeoutMs: 30_000, what: "qBit progress 0.6 during the extraction" },
      );
      expect(held.state).toBe("moving");
      const row = await sonarr.detail(hash);
      expect(row?.phase).toBe("extracting");
      expect(row?.progress).toBe(0.6);
      expect(row?.detail).toMatch(/^Extracting pack\.s01e01\.rar: 60% \(.+ of .+\)$/);
      unar.open();
      const done = await sonarr.waitState(hash, ["pausedUP", "error"]);
      expect(done.state).toBe("pausedUP");
      expect(done.progress).toBe(1);
      const folder = join(p.downloadDir, "tv-sonarr", "Pack.S01");
      expect(sha(readFileSync(join(folder, "E01", "E01.mkv")))).toBe(sha(e1));
      expect(sha(readFileSync(join(folder, "E02", "E02.mkv")))).toBe(sha(e2));
    },
    SLOW_TEST,
  );

  test(
    "the unpacked size counts against the disk budget: a torrent added meanwhile waits for the extraction to end, then downloads",
    async () => {
      // 3 MB free (simulated), DOWNLOAD_MIN_FREE_SPACE 1 MB: the extraction reserves 1.5 MB, so a
      // 1 MB file (needs 2 MB) does not fit beside it, and fits once the reservation is given back.
      using dir = tempDir("redriva-gated-unar-");
      const unar = new GatedUnar(dir.path);
      await using p = await startPipeline({
        env: { ...ARR_ENV, UNAR_BIN: unar.bin },
        downloads: { space: async () => ({ free: 3 * MB, total: 100 * MB }) },
      });
      const movie = videoBytes(1.5 * MB, 51);
      const first = await add(p, "Big.Movie", [
        {
          path: "/Big.Movie.rar",
          content: rar5([{ name: "Big.Movie.mkv", content: movie }])[0] as Uint8Array,
        },
      ]);
      await waitFor(() => unar.pids().length === 1, { timeoutMs: 30_000, what: "the extraction to start" });
      const episode = videoBytes(1 * MB, 52);
      const second = await add(p, "Small.Episode", [{ path: "/Small.Episode.mkv", content: episode }]);
      const waiting = await waitFor(
        async () => {
          const row = await second.sonarr.detail(second.hash);
          return row?.detail?.startsWith("Waiting for disk space") ? row : null;
        },
        { timeoutMs: 30_000, what: "the second torrent to wait for disk space" },
      );
      expect(waiting.detail).toMatch(
        /this file needs 3\.5 MB \(its size \+ DOWNLOAD_MIN_FREE_SPACE \+ 1\.5 MB reserved to extract archives\)$/,
      );
      expect((await second.sonarr.info(second.hash))?.progress).toBe(0);
      expect((await first.sonarr.info(first.hash))?.state).toBe("moving");
      unar.open();
      expect((await first.sonarr.waitState(first.hash, ["pausedUP", "error"])).state).toBe("pausedUP");
      expect((await second.sonarr.waitState(second.hash, ["pausedUP", "error"])).state).toBe("pausedUP");
      expect(sha(readFileSync(join(p.downloadDir, "tv-sonarr", "Small.Episode.mkv")))).toBe(sha(episode));
      expect(p.deps.downloads.reservedBytes.size).toBe(0);
    },
    SLOW_TEST,
  );

  test(
    "a pause stops the extraction (its process gone, scratch removed, pausedDL); resume extracts again from the start",
    async () => {
      using dir = tempDir("redriva-gated-unar-");
      const unar = new GatedUnar(dir.path);
      await using p = await startPipeline({ env: { ...ARR_ENV, UNAR_BIN: unar.bin } });
      const movie = videoBytes(800_000, 61);
      const { sonarr, hash } = await add(p, "Paused.Movie", [
        {
          path: "/Paused.Movie.rar",
          content: rar5([{ name: "Paused.Movie.mkv", content: movie }])[0] as Uint8Array,
        },
      ]);
      await waitFor(() => unar.pids().length === 1, { timeoutMs: 30_000, what: "the extraction to start" });
      const [pid] = unar.pids() as [number];
      expect(isRunning(pid)).toBe(true);

      await sonarr.client.call("POST", "torrents/pause", { form: { hashes: hash } });
      const paused = await sonarr.waitState(hash, ["pausedDL"]);
      expect(paused.content_path).toBe(join(p.downloadDir, "tv-sonarr", "Paused.Movie.rar"));
      expect(isRunning(pid)).toBe(false);
      const folder = join(p.downloadDir, "tv-sonarr");
      expect(scratchIn(folder)).toEqual([]);
      expect(readdirSync(folder)).toEqual(["Paused.Movie.rar"]);
      expect(p.deps.downloads.reservedBytes.size).toBe(0);
      const row = await sonarr.detail(hash);
      expect(row?.phase).toBe("paused");
      expect(row?.detail).toBe(
        "Paused during the extraction: it starts again from the beginning when resumed",
      );

      unar.open();
      await sonarr.client.call("POST", "torrents/resume", { form: { hashes: hash } });
      const done = await sonarr.waitState(hash, ["pausedUP", "error"]);
      expect(done.state).toBe("pausedUP");
      expect(unar.pids().length).toBe(2);
      expect(sha(readFileSync(join(folder, "Paused.Movie", "Paused.Movie.mkv")))).toBe(sha(movie));
    },
    SLOW_TEST,
  );
});
