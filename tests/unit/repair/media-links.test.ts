import { describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalTorrent } from "../../../src/db/repo/repair-library.ts";
import {
  isInside,
  removeMediaLinks,
  TorrentLinkIndex,
  walkMediaLinks,
} from "../../../src/services/repair/media-links.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const torrent = (
  id: string,
  filename: string,
  hash: string,
  removed_at: number | null = null,
): LocalTorrent => ({
  id,
  provider: "realdebrid",
  hash,
  filename,
  status: "downloaded",
  removed_at,
});

describe("library links", () => {
  test("a present torrent wins over a removed one with the same name", () => {
    const index = new TorrentLinkIndex(
      [torrent("NEW", "Movie.2020", "b".repeat(40)), torrent("OLD", "Movie.2020", "a".repeat(40), 5)],
      [],
    );
    expect(index.match("/mnt/rd/Movie.2020/Movie.2020.mkv")).toMatchObject({
      torrent: { id: "NEW" },
      by: "name",
    });
    expect(index.match(`/mnt/rd/${"a".repeat(40)}/x.mkv`)).toMatchObject({
      torrent: { id: "OLD" },
      by: "hash",
    });
    expect(index.match("/mnt/rd/Unrelated/x.mkv")).toBeNull();
  });

  test("walks symlinks without following linked directories, and tells broken from working", async () => {
    using dir = tempDir();
    const root = join(dir.path, "media");
    mkdirSync(join(root, "a"), { recursive: true });
    writeFileSync(join(root, "a", "real.mkv"), "x");
    symlinkSync(join(root, "a", "real.mkv"), join(root, "a", "ok.mkv"));
    symlinkSync("/does/not/exist.mkv", join(root, "a", "broken.mkv"));
    symlinkSync(dir.path, join(root, "loop")); // points above the root: never followed
    const links = await walkMediaLinks(root);
    const byName = Object.fromEntries(links.map((l) => [l.path.slice(root.length), l.broken]));
    expect(byName).toEqual({ "/a/ok.mkv": false, "/a/broken.mkv": true, "/loop": false });
  });

  test("removal only touches symlinks under the media root (a dry run removes nothing)", async () => {
    using dir = tempDir();
    const root = join(dir.path, "media");
    mkdirSync(root, { recursive: true });
    const link = join(root, "x.mkv");
    symlinkSync("/gone", link);
    const file = join(root, "file.mkv");
    writeFileSync(file, "x");
    const outside = join(dir.path, "outside.mkv");
    symlinkSync("/gone", outside);

    const dry = await removeMediaLinks(root, [link, file, outside, `${root}/../outside.mkv`], {
      dryRun: true,
    });
    expect(dry.removed).toEqual([link]);
    expect(dry.refused.map((r) => r.why).sort()).toEqual([
      "not a symlink",
      "outside the media root",
      "outside the media root",
    ]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);

    const real = await removeMediaLinks(root, [link, file, outside], { dryRun: false });
    expect(real.removed).toEqual([link]);
    expect(existsSync(file)).toBe(true);
    expect(lstatSync(outside).isSymbolicLink()).toBe(true);
    expect(() => lstatSync(link)).toThrow();
    expect(isInside(root, join(root, "a/../b"))).toBe(true);
    expect(isInside(root, `${root}-evil/x`)).toBe(false);
  });
});
