import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";

/**
 * A small media library for symlink-checker tests, built for real in a temp dir:
 * `source/` plays the debrid mount (outside the media root), `media/` is the library of links.
 * Valid media is made with ffmpeg; corrupt copies are truncated or random bytes.
 */
export interface MediaTree {
  base: string;
  source: string;
  media: string;
  /** Paths (relative to media/) by the verdict the checker must reach. */
  expected: {
    ok: string[];
    broken: string[];
    empty: string[];
    inaccessible: string[];
    corrupt: string[];
  };
}

let cachedMedia: { mp4: Buffer; mkv: Buffer } | null = null;

/** Two seconds of real H.264/AAC, made once per test process. */
export function sampleMedia(workDir: string): { mp4: Buffer; mkv: Buffer } {
  if (cachedMedia) return cachedMedia;
  const mp4 = join(workDir, "sample.mp4");
  const mkv = join(workDir, "sample.mkv");
  for (const [out, extra] of [
    [mp4, []],
    [mkv, []],
  ] as const) {
    const run = Bun.spawnSync([
      "ffmpeg",
      "-v",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=64x48:rate=10",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440",
      "-t",
      "2",
      "-c:v",
      "libx264",
      "-c:a",
      "aac",
      "-shortest",
      ...extra,
      out,
    ]);
    if (run.exitCode !== 0) throw new Error(`ffmpeg failed: ${run.stderr.toString()}`);
  }
  cachedMedia = { mp4: readFileSync(mp4), mkv: readFileSync(mkv) };
  return cachedMedia;
}

function link(media: string, rel: string, target: string) {
  mkdirSync(dirname(join(media, rel)), { recursive: true });
  symlinkSync(target, join(media, rel));
}

/** Every entry under `dir` (type, link target, size, mode, content hash): to prove nothing changed. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = join(dir, path);
      const st = lstatSync(abs);
      if (entry.isSymbolicLink()) out[path] = `link -> ${readlinkSync(abs)}`;
      else if (entry.isDirectory()) {
        out[path] = `dir ${st.mode.toString(8)}`;
        walk(path);
      } else {
        const hash =
          (st.mode & 0o444) === 0 && process.getuid?.() !== 0
            ? "?"
            : Bun.hash(readFileSync(abs)).toString(16);
        out[path] = `file ${st.size} ${st.mode.toString(8)} ${hash}`;
      }
    }
  };
  walk("");
  return out;
}

export function buildMediaTree(base: string): MediaTree {
  const source = join(base, "source");
  const media = join(base, "media");
  mkdirSync(source, { recursive: true });
  mkdirSync(media, { recursive: true });
  const { mp4, mkv } = sampleMedia(base);
  const put = (name: string, data: Buffer | string) => {
    writeFileSync(join(source, name), data);
    return join(source, name);
  };
  const okMkv = put("ok.mkv", mkv);
  const okMp4 = put("ok.mp4", mp4);
  const empty = put("empty.mkv", "");
  const tiny = put("tiny.mkv", "x".repeat(100));
  const locked = put("locked.mkv", mkv);
  chmodSync(locked, 0o000);
  // moov atom is at the end: cutting the file loses it.
  const truncMp4 = put("trunc.mp4", mp4.subarray(0, Math.floor(mp4.length / 2)));
  const truncMkv = put("trunc.mkv", mkv.subarray(0, Math.floor(mkv.length * 0.6)));
  const garbage = put("garbage.mkv", Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7919) % 251)));
  mkdirSync(join(source, "a-folder"));

  link(media, "tv/Show One/Season 1/S01E01.mkv", okMkv);
  link(media, "tv/Show One/Season 1/S01E02.mkv", join(source, "gone.mkv"));
  link(media, "tv/Show One/Season 1/S01E03.mkv", empty);
  link(media, "tv/Show Two/S01E01.mkv", tiny);
  link(media, "tv/Show Two/S01E02.mkv", locked);
  link(media, "tv/Show Two/S01E03.mkv", truncMkv);
  link(media, "tv/Show Two/subs.srt", join(source, "gone.srt"));
  link(media, "movies/Good Movie (2020)/Good Movie.mp4", okMp4);
  link(media, "movies/Cut Movie (2021)/Cut Movie.mp4", truncMp4);
  link(media, "movies/Noise (2022)/Noise.mkv", garbage);
  link(media, "movies/Gone Movie (2018)/Gone Movie.mkv", join(source, "gone-movie.mkv"));
  link(media, "movies/folder-link", join(source, "a-folder"));
  // A hostile name: must come out escaped in pages and reports.
  link(media, "tv/Show Two/<img src=x onerror=alert(1)>.mkv", join(source, "gone-xss.mkv"));
  mkdirSync(join(media, "movies/Plain (2019)"), { recursive: true });
  copyFileSync(okMkv, join(media, "movies/Plain (2019)/Plain.mkv"));
  writeFileSync(join(media, "movies/Plain (2019)/notes.txt"), "");

  return {
    base,
    source,
    media,
    expected: {
      ok: [
        "movies/Good Movie (2020)/Good Movie.mp4",
        "movies/Plain (2019)/Plain.mkv",
        "tv/Show One/Season 1/S01E01.mkv",
      ],
      broken: [
        "movies/Gone Movie (2018)/Gone Movie.mkv",
        "tv/Show One/Season 1/S01E02.mkv",
        "tv/Show Two/<img src=x onerror=alert(1)>.mkv",
        "tv/Show Two/subs.srt",
      ],
      empty: ["tv/Show One/Season 1/S01E03.mkv", "tv/Show Two/S01E01.mkv"],
      // Readable anyway when the tests run as root (see the setpriv test).
      inaccessible: ["tv/Show Two/S01E02.mkv"],
      corrupt: [
        "movies/Cut Movie (2021)/Cut Movie.mp4",
        "movies/Noise (2022)/Noise.mkv",
        "tv/Show Two/S01E03.mkv",
      ],
    },
  };
}
