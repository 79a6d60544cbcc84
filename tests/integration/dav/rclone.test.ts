import { describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { contentSha256, contentSlice } from "../../../src/fake-debrid/content.ts";
import type { FakeDebridServer } from "../../../src/fake-debrid/index.ts";
import type { FakeFile, FakeTorrent } from "../../../src/fake-debrid/library.ts";
import { createRandom } from "../../../src/fake-debrid/random.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { rclone, startDavFixture } from "./helpers.ts";

/** The fake's downloaded torrents with their selected files: what /dav/__all__ must show. */
function downloaded(fake: FakeDebridServer): Array<{ torrent: FakeTorrent; files: FakeFile[] }> {
  return [...fake.state.library.torrents.values()]
    .filter((t) => t.status === "downloaded")
    .map((torrent) => ({ torrent, files: torrent.files.filter((f) => f.selected) }));
}

function davPath(torrent: FakeTorrent, file: FakeFile): string {
  return `__all__/${torrent.filename}/${file.path.replace(/^\/+/, "")}`;
}

describe("WebDAV through rclone", () => {
  test("rclone lsf -R lists exactly the selected files of the downloaded torrents", async () => {
    await using f = await startDavFixture({ size: 60 });
    const lines = new TextDecoder()
      .decode(await rclone(f, ["lsf", "-R", "--files-only", "redriva:__all__"]))
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => `__all__/${l}`)
      .sort();
    const expected = downloaded(f.fake)
      .flatMap(({ torrent, files }) => files.map((file) => davPath(torrent, file)))
      .sort();
    // The seeded names are unique, so every path is the fake's own.
    expect(new Set(downloaded(f.fake).map((d) => d.torrent.filename)).size).toBe(downloaded(f.fake).length);
    expect(expected.length).toBeGreaterThan(40);
    expect(lines).toEqual(expected);
    // Unselected files (the .nfo of season packs) and torrents not downloaded are absent.
    expect(lines.some((l) => l.endsWith(".nfo"))).toBe(false);
  });

  test("rclone cat --offset --count returns the exact bytes of random ranges", async () => {
    await using f = await startDavFixture({
      size: 30,
      fake: { library: { fileBytes: { min: 3_000_000, max: 9_000_000 } } },
    });
    const random = createRandom(16);
    const files = downloaded(f.fake).flatMap(({ torrent, files }) =>
      files.map((file) => ({ torrent, file })),
    );
    for (let i = 0; i < 12; i++) {
      const { torrent, file } = files[Math.floor(random.next() * files.length)] as (typeof files)[number];
      const offset = Math.floor(random.next() * (file.bytes - 1));
      const count = Math.max(1, Math.min(file.bytes - offset, Math.floor(random.next() * 2_000_000)));
      const got = await rclone(f, [
        "cat",
        "--offset",
        String(offset),
        "--count",
        String(count),
        `redriva:${davPath(torrent, file)}`,
      ]);
      expect({
        path: davPath(torrent, file),
        offset,
        count,
        equal: Buffer.compare(got, contentSlice(file.key, offset, offset + count)) === 0,
      }).toEqual({ path: davPath(torrent, file), offset, count, equal: true });
    }
    // The last bytes of a file too (a suffix read).
    const { torrent, file } = files[0] as (typeof files)[number];
    const tail = await rclone(f, [
      "cat",
      "--offset",
      String(file.bytes - 10),
      `redriva:${davPath(torrent, file)}`,
    ]);
    expect(Buffer.compare(tail, contentSlice(file.key, file.bytes - 10, file.bytes))).toBe(0);
  });

  test("rclone copy of a multi-GB file has the fake's sha256", async () => {
    const GIB = 1024 ** 3;
    await using f = await startDavFixture({ size: 8 });
    // Give one downloaded single-file torrent a 2.2 GB file (the fake generates its bytes).
    const single = downloaded(f.fake).find((d) => d.files.length === 1) as {
      torrent: FakeTorrent;
      files: FakeFile[];
    };
    const file = single.files[0] as FakeFile;
    file.bytes = Math.round(2.2 * GIB);
    const { runSync } = await import("../../../src/services/sync/index.ts");
    expect((await runSync(f.deps, "full", {})).status).toBe("succeeded");
    using out = tempDir("redriva-dav-copy-");
    await rclone(f, ["copy", `redriva:${davPath(single.torrent, file)}`, out.path], { stdout: "ignore" });
    const copied = join(out.path, file.path.split("/").pop() as string);
    const hasher = new Bun.CryptoHasher("sha256");
    const reader = Bun.file(copied).stream().getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      hasher.update(chunk.value);
    const size = Bun.file(copied).size;
    rmSync(copied);
    expect(size).toBe(file.bytes);
    expect(hasher.digest("hex")).toBe(contentSha256(file.key, file.bytes));
  });

  test("a direct link that expires mid-stream is renewed without the reader noticing", async () => {
    // Links die 400 ms after they are issued, mid-read: the fake cuts the connection then. The read
    // passed straight through breaks with it, and rclone (copy, like a mount's reads) re-opens at
    // the offset it reached: that read finds the link gone and gets a renewed one.
    await using f = await startDavFixture({
      size: 6,
      fake: {
        linkTtlMs: 400,
        downloadBytesPerSecond: 6_000_000,
        library: { fileBytes: { min: 12_000_000, max: 14_000_000 } },
      },
    });
    const { torrent, files } = downloaded(f.fake)[0] as { torrent: FakeTorrent; files: FakeFile[] };
    const file = files[0] as FakeFile;
    using out = tempDir("redriva-dav-expiry-");
    await rclone(f, ["copy", "--multi-thread-streams", "0", `redriva:${davPath(torrent, file)}`, out.path], {
      stdout: "ignore",
    });
    const got = new Uint8Array(
      await Bun.file(join(out.path, file.path.split("/").pop() as string)).arrayBuffer(),
    );
    expect(got.byteLength).toBe(file.bytes);
    expect(Buffer.compare(got, contentSlice(file.key, 0, file.bytes))).toBe(0);
    // The read needed more than one link: each renewal was an unrestrict.
    expect(f.deps.dav.counters.unrestricts).toBeGreaterThan(1);
    expect(f.deps.dav.counters.linksRenewed).toBeGreaterThan(0);
  });
});
