import { describe, expect, test } from "bun:test";
import { buildMagnet, normalizeInfoHash, parseMagnet } from "../../../src/domain/magnet.ts";
import { buildTorrentFile, parseTorrentFile } from "../../../src/domain/torrent-file.ts";

describe("info-hashes and magnets", () => {
  test("base32 and hex hashes normalise to the same lower-case hex", () => {
    // base32 of 20 zero bytes is 32 'A's; a known pair for a non-trivial value:
    expect(normalizeInfoHash("A".repeat(32))).toBe("0".repeat(40));
    expect(normalizeInfoHash("ABCDEF0123456789ABCDEF0123456789ABCDEF01")).toBe(
      "abcdef0123456789abcdef0123456789abcdef01",
    );
    expect(normalizeInfoHash("VPG66AJDIVTYTK6N54ASGRLHRGV433YB")).toBe(
      "abcdef0123456789abcdef0123456789abcdef01",
    );
    expect(normalizeInfoHash("xyz")).toBeNull();
    expect(normalizeInfoHash("g".repeat(40))).toBeNull();
  });

  test("parses magnets and rebuilds them from a hash", () => {
    const magnet =
      "magnet:?xt=urn:btih:VPG66AJDIVTYTK6N54ASGRLHRGV433YB&dn=Some.Show.S01&tr=udp%3A%2F%2Ft.invalid";
    expect(parseMagnet(magnet)).toEqual({
      hash: "abcdef0123456789abcdef0123456789abcdef01",
      name: "Some.Show.S01",
      trackers: ["udp://t.invalid"],
    });
    expect(parseMagnet("magnet:?dn=nohash")).toBeNull();
    expect(parseMagnet("http://example.invalid")).toBeNull();
    expect(buildMagnet("ABCDEF0123456789ABCDEF0123456789ABCDEF01", "A B")).toBe(
      "magnet:?xt=urn:btih:abcdef0123456789abcdef0123456789abcdef01&dn=A%20B",
    );
    expect(() => buildMagnet("nope")).toThrow("invalid info-hash");
  });

  test(".torrent files: the info-hash is the SHA-1 of the bencoded info dictionary", async () => {
    const bytes = buildTorrentFile("Movie.2024", [
      { path: "Movie.2024/movie.mkv", length: 1234 },
      { path: "Movie.2024/movie.nfo", length: 10 },
    ]);
    const parsed = parseTorrentFile(bytes);
    expect(parsed?.name).toBe("Movie.2024");
    expect(parsed?.size).toBe(1244);
    const text = Buffer.from(bytes).toString("latin1");
    const infoStart = text.indexOf("4:info") + 6;
    const info = bytes.subarray(infoStart, bytes.length - 1);
    const expected = new Bun.CryptoHasher("sha1").update(info).digest("hex");
    expect(parsed?.hash).toBe(expected);
    expect(parseTorrentFile(new TextEncoder().encode("not a torrent"))).toBeNull();
  });
});
