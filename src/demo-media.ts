import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A plain media file is at least this big, so the checker does not call it "empty". */
const FILE_BYTES = 4096;

/** Library paths (under the media root) and what each link points at in the fake mount. */
const GOOD = [
  "tv/Severance/Season 01/Severance.S01E01.1080p.mkv",
  "tv/Severance/Season 01/Severance.S01E02.1080p.mkv",
  "tv/The Expanse/Season 03/The.Expanse.S03E01.2160p.mkv",
  "movies/Arrival (2016)/Arrival.2016.1080p.BluRay.mkv",
  "movies/Dune (2021)/Dune.2021.2160p.WEB-DL.mkv",
];
/** Links whose target the "provider" no longer has: what the symlink pages are there to find. */
const BROKEN = [
  "tv/Severance/Season 01/Severance.S01E03.1080p.mkv",
  "tv/Dark/Season 02/Dark.S02E04.1080p.mkv",
  "movies/Heat (1995)/Heat.1995.1080p.BluRay.mkv",
];

/**
 * The demo's own media library: symlinks into a fake debrid mount, a few of them broken and one
 * file empty, so /symlinks and /repair have something to show. Returns the media root.
 */
export function buildDemoMediaTree(dataDir: string): string {
  const mediaRoot = join(dataDir, "media");
  const mount = join(dataDir, "mount");
  for (const path of GOOD) {
    const target = join(mount, "torrents", path.split("/").at(-1) as string);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, Buffer.alloc(FILE_BYTES, 1));
    link(target, join(mediaRoot, path));
  }
  for (const path of BROKEN)
    link(join(mount, "torrents", `gone-${path.split("/").at(-1)}`), join(mediaRoot, path));
  const empty = join(mediaRoot, "movies/Heat (1995)/Heat.1995.sample.mkv");
  writeFileSync(empty, "");
  return mediaRoot;
}

function link(target: string, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

/** How many broken links and empty files the demo tree holds (its test checks the scan finds them). */
export const DEMO_MEDIA_PROBLEMS = { broken: BROKEN.length, empty: 1 };
