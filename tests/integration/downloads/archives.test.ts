import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { oldStyleVolumeName, rar4, rar5, videoBytes, zip } from "../../helpers/archives.ts";
import { ARR_ENV, ArrGrab } from "../../helpers/arr-grab.ts";
import { type Pipeline, startPipeline } from "../../helpers/downloads.ts";

/** Real aria2c, real unar: generous bounds for a loaded CI machine. */
const SLOW_TEST = { timeout: 60_000 };

const sha = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
const fileSha = (path: string) => sha(readFileSync(path));

/** A 7-Zip archive made by Debian's 7zz (its arguments after `a <archive>`), as bytes per volume. */
function sevenZip(files: Record<string, Uint8Array>, args: string[] = []): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), "redriva-7z-"));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const made = Bun.spawnSync(
      ["7zz", "a", "-bd", ...args, join(dir, "out", "a.7z"), ...Object.keys(files)],
      {
        cwd: dir,
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    if (made.exitCode !== 0) throw new Error(`7zz failed: ${made.stderr.toString()}`);
    return readdirSync(join(dir, "out"))
      .sort()
      .map((name) => new Uint8Array(readFileSync(join(dir, "out", name))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function grab(
  p: Pipeline,
  name: string,
  files: Array<{ path: string; content: Uint8Array }>,
  category = "tv-sonarr",
) {
  const sonarr = new ArrGrab(p);
  const { hash, magnet } = p.magnet(
    name,
    files.map((f) => ({ path: f.path, bytes: f.content.length, content: f.content })),
  );
  await sonarr.add(magnet, category);
  return { sonarr, hash, done: await sonarr.waitState(hash, ["pausedUP", "error"]) };
}

describe("archives extracted after the download (unar, through the qBit API)", () => {
  test(
    "a season pack of a RAR5 .partN.rar set and a 7z volume set: extracted beside them, archives deleted (DOWNLOAD_DELETE_ARCHIVES=true), then pausedUP",
    async () => {
      await using p = await startPipeline({ env: { ...ARR_ENV, DOWNLOAD_DELETE_ARCHIVES: "true" } });
      const e1 = videoBytes(700_000, 11);
      const e2 = videoBytes(500_000, 12);
      const subs = new TextEncoder().encode("1\n00:00:01,000 --> 00:00:02,000\nHello\n");
      const rarSet = rar5(
        [
          { name: "Show.S01E01.mkv", content: e1 },
          { name: "Subs/Show.S01E01.en.srt", content: subs },
        ],
        3,
      );
      const sevenSet = sevenZip({ "Show.S01E02.mkv": e2 }, ["-v200k", "-mx=0"]);
      expect(sevenSet.length).toBeGreaterThan(1);
      const { done } = await grab(p, "Show.S01.1080p", [
        ...rarSet.map((content, i) => ({
          path: `/Show.S01.1080p/E01/show.s01e01.part${i + 1}.rar`,
          content,
        })),
        ...sevenSet.map((content, i) => ({
          path: `/Show.S01.1080p/E02/show.s01e02.7z.${String(i + 1).padStart(3, "0")}`,
          content,
        })),
      ]);
      expect(done.state).toBe("pausedUP");
      const folder = join(p.downloadDir, "tv-sonarr", "Show.S01.1080p");
      expect(done.content_path).toBe(folder);
      expect(fileSha(join(folder, "E01", "Show.S01E01.mkv"))).toBe(sha(e1));
      expect(readFileSync(join(folder, "E01", "Subs", "Show.S01E01.en.srt"), "utf8")).toContain("Hello");
      expect(fileSha(join(folder, "E02", "Show.S01E02.mkv"))).toBe(sha(e2));
      // Only the extracted files are left: no volume, no scratch folder.
      expect(readdirSync(join(folder, "E01")).sort()).toEqual(["Show.S01E01.mkv", "Subs"]);
      expect(readdirSync(join(folder, "E02"))).toEqual(["Show.S01E02.mkv"]);
    },
    SLOW_TEST,
  );

  test(
    "old-style sets (x.rar, x.r00, x.r01...): a RAR 4 set and a RAR 5 set named that way are each extracted as one set, every volume deleted",
    async () => {
      await using p = await startPipeline({ env: { ...ARR_ENV, DOWNLOAD_DELETE_ARCHIVES: "true" } });
      const e1 = videoBytes(600_000, 31);
      const e2 = videoBytes(450_000, 32);
      const nfo = new TextEncoder().encode("Scene release notes\r\n");
      const old4 = rar4(
        [
          { name: "Show.S02E01.mkv", content: e1 },
          { name: "Sample/Show.S02E01.sample.nfo", content: nfo },
        ],
        4,
      );
      const old5 = rar5([{ name: "Show.S02E02.mkv", content: e2 }], 3);
      const { done } = await grab(p, "Show.S02.720p", [
        ...old4.map((content, i) => ({
          path: `/Show.S02.720p/E01/${oldStyleVolumeName("show.s02e01", i)}`,
          content,
        })),
        ...old5.map((content, i) => ({
          path: `/Show.S02.720p/E02/${oldStyleVolumeName("show.s02e02", i)}`,
          content,
        })),
      ]);
      expect(done.state).toBe("pausedUP");
      const folder = join(p.downloadDir, "tv-sonarr", "Show.S02.720p");
      expect(fileSha(join(folder, "E01", "Show.S02E01.mkv"))).toBe(sha(e1));
      expect(readFileSync(join(folder, "E01", "Sample", "Show.S02E01.sample.nfo"), "utf8")).toContain(
        "Scene",
      );
      expect(fileSha(join(folder, "E02", "Show.S02E02.mkv"))).toBe(sha(e2));
      // No volume (.rar or .rNN), no alias folder, no scratch folder is left.
      expect(readdirSync(join(folder, "E01")).sort()).toEqual(["Sample", "Show.S02E01.mkv"]);
      expect(readdirSync(join(folder, "E02"))).toEqual(["Show.S02E02.mkv"]);
    },
    SLOW_TEST,
  );

  test(
    "a download that is one RAR archive becomes a folder named after it; content_path points there; the archive stays by default",
    async () => {
      await using p = await startPipeline({ env: ARR_ENV });
      const movie = videoBytes(900_000, 21);
      const [archive] = rar5([{ name: "Movie.2022.1080p.mkv", content: movie }]);
      const { done } = await grab(
        p,
        "Movie.2022.1080p",
        [{ path: "/Movie.2022.1080p.rar", content: archive as Uint8Array }],
        "radarr",
      );
      expect(done.state).toBe("pausedUP");
      const folder = join(p.downloadDir, "radarr", "Movie.2022.1080p");
      expect(done.content_path).toBe(folder);
      expect(fileSha(join(folder, "Movie.2022.1080p.mkv"))).toBe(sha(movie));
      expect(existsSync(join(p.downloadDir, "radarr", "Movie.2022.1080p.rar"))).toBe(true);
    },
    SLOW_TEST,
  );

  test(
    "a hostile zip (../ and absolute entries) is refused: error with the reason, nothing written outside",
    async () => {
      await using p = await startPipeline({ env: ARR_ENV });
      const outside = join(tmpdir(), `redriva-escaped-${crypto.randomUUID()}.txt`);
      const evil = zip([
        { name: "../../escaped.txt", content: new TextEncoder().encode("gotcha") },
        { name: outside, content: new TextEncoder().encode("gotcha") },
        { name: "Release.mkv", content: videoBytes(1000, 3) },
      ]);
      const { sonarr, hash, done } = await grab(p, "Evil.Release", [
        { path: "/Evil.Release.zip", content: evil },
      ]);
      expect(done.state).toBe("error");
      expect((await sonarr.detail(hash))?.detail).toBe(
        "Evil.Release.zip has an entry that would land outside its folder (../../escaped.txt): not extracted",
      );
      expect(existsSync(outside)).toBe(false);
      expect(existsSync(join(dirname(p.downloadDir), "escaped.txt"))).toBe(false);
      expect(existsSync(join(p.downloadDir, "escaped.txt"))).toBe(false);
      expect(readdirSync(join(p.downloadDir, "tv-sonarr"))).toEqual(["Evil.Release.zip"]);
    },
    SLOW_TEST,
  );

  test(
    "a password-protected archive and a damaged one go to error with the reason in words",
    async () => {
      await using p = await startPipeline({ env: ARR_ENV });
      const [locked] = sevenZip({ "Locked.mkv": videoBytes(50_000, 4) }, ["-pSecret", "-mx=0"]);
      const first = await grab(p, "Locked.Release", [
        { path: "/Locked.Release.7z", content: locked as Uint8Array },
      ]);
      expect(first.done.state).toBe("error");
      expect((await first.sonarr.detail(first.hash))?.detail).toBe(
        "Locked.Release.7z is password-protected: Redriva cannot extract it",
      );
      const whole = zip([{ name: "Damaged.mkv", content: videoBytes(80_000, 5) }]);
      // One byte of the stored video flipped: the entry's CRC no longer matches.
      const damaged = whole.slice();
      damaged[40_000] = (damaged[40_000] as number) ^ 0xff;
      const second = await grab(p, "Damaged.Release", [{ path: "/Damaged.Release.zip", content: damaged }]);
      expect(second.done.state).toBe("error");
      expect((await second.sonarr.detail(second.hash))?.detail).toBe(
        "could not extract Damaged.Release.zip: wrong checksum: the archive is damaged",
      );
      // The torrent's own file stays; no half-extracted file is left beside it.
      expect(readdirSync(join(p.downloadDir, "tv-sonarr")).sort()).toEqual([
        "Damaged.Release.zip",
        "Locked.Release.7z",
      ]);
    },
    SLOW_TEST,
  );
  test(
    "a movie packed in RARs beside a sample clip: the default video selection brings the archives too, and the movie is extracted",
    async () => {
      await using p = await startPipeline({ env: { ...ARR_ENV, DOWNLOAD_DELETE_ARCHIVES: "true" } });
      const movie = videoBytes(800_000, 41);
      const sample = videoBytes(50_000, 42);
      const set = rar5([{ name: "Movie.2020.1080p.mkv", content: movie }], 3);
      const { done } = await grab(
        p,
        "Movie.2020.1080p",
        [
          ...set.map((content, i) => ({ path: `/Movie.2020.1080p/movie.part${i + 1}.rar`, content })),
          { path: "/Movie.2020.1080p/Sample/movie-sample.mkv", content: sample },
        ],
        "radarr",
      );
      expect(done.state).toBe("pausedUP");
      const folder = join(p.downloadDir, "radarr", "Movie.2020.1080p");
      expect(fileSha(join(folder, "Movie.2020.1080p.mkv"))).toBe(sha(movie));
      expect(fileSha(join(folder, "Sample", "movie-sample.mkv"))).toBe(sha(sample));
    },
    SLOW_TEST,
  );
});
