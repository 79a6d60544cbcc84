import { describe, expect, test } from "bun:test";
import { startQbitServer } from "../../helpers/qbit-server.ts";

/** Issue 12 §10: every bencoded field is checked for type and range before anything is stored. */
type B = number | string | Raw | B[] | { [key: string]: B };
class Raw {
  constructor(readonly text: string) {}
}

function bencode(value: B): string {
  if (value instanceof Raw) return value.text;
  if (typeof value === "number") return `i${value}e`;
  if (typeof value === "string") return `${Buffer.byteLength(value)}:${value}`;
  if (Array.isArray(value)) return `l${value.map(bencode).join("")}e`;
  const keys = Object.keys(value).sort();
  return `d${keys.map((k) => bencode(k) + bencode(value[k] as B)).join("")}e`;
}

const PIECES = "x".repeat(20);
const single = (info: Record<string, B>) =>
  bencode({
    announce: "http://tracker.invalid/a",
    info: { name: "Movie.mkv", "piece length": 262144, pieces: PIECES, length: 1000, ...info },
  });
const multi = (files: B) =>
  bencode({ info: { name: "Show.S01", "piece length": 262144, pieces: PIECES, files } });

const HOSTILE: Record<string, string> = {
  "length of 5000 digits": single({ length: new Raw(`i${"9".repeat(5000)}e`) }),
  "length beyond 2^53": single({ length: new Raw("i9007199254740993e") }),
  "negative length": single({ length: -5 }),
  "length as a string": single({ length: "1000" }),
  "non-integer length": single({ length: new Raw("i3.5e") }),
  "leading-zero length": single({ length: new Raw("i007e") }),
  "minus zero": single({ length: new Raw("i-0e") }),
  "name ..": single({ name: ".." }),
  "name with a slash": single({ name: "../../etc/passwd" }),
  "file path ..": multi([{ length: 1, path: ["..", "x.mkv"] }]),
  "file path with a slash": multi([{ length: 1, path: ["a/b.mkv"] }]),
  "empty path segment": multi([{ length: 1, path: ["", "x.mkv"] }]),
  "negative file length": multi([{ length: -1, path: ["x.mkv"] }]),
  "files not a list": multi("nope"),
  "files sum beyond 2^53": multi([
    { length: 2 ** 52, path: ["a.mkv"] },
    { length: 2 ** 52, path: ["b.mkv"] },
    { length: 2 ** 52, path: ["c.mkv"] },
  ]),
  "negative string length": `d4:infod4:name-5:abcdeee`,
  "pieces not 20-byte hashes": single({ pieces: "short" }),
  "no piece length": bencode({ info: { name: "a", pieces: PIECES, length: 1 } }),
  "creation date as a string": bencode({
    "creation date": "yesterday",
    info: { name: "a", "piece length": 16384, pieces: PIECES, length: 1 },
  }),
  "trailing garbage": `${single({})}garbage`,
  truncated: single({}).slice(0, -3),
};

describe("uploaded .torrent files are validated field by field", () => {
  test("each hostile .torrent answers Fails. and nothing is listed", async () => {
    await using s = startQbitServer();
    for (const [what, body] of Object.entries(HOSTILE)) {
      const res = await s.sonarr.call("POST", "torrents/add", {
        multipart: [{ name: "torrents", filename: `${what}.torrent`, bytes: new TextEncoder().encode(body) }],
      });
      expect({ what, status: res.status, body: await res.text() }).toEqual({
        what,
        status: 200,
        body: "Fails.",
      });
    }
    expect(await (await s.sonarr.call("GET", "torrents/info")).json()).toEqual([]);
  });

  test("a valid one is listed with its exact integer size", async () => {
    await using s = startQbitServer();
    const body = bencode({
      comment: "from the indexer",
      "creation date": 1_600_000_000,
      info: {
        name: "Show.S01",
        "piece length": 262144,
        pieces: PIECES,
        files: [
          { length: 2 ** 40, path: ["E01.mkv"] },
          { length: 123, path: ["Subs", "E01.srt"] },
        ],
      },
    });
    const res = await s.sonarr.call("POST", "torrents/add", {
      multipart: [{ name: "torrents", filename: "ok.torrent", bytes: new TextEncoder().encode(body) }],
    });
    expect(await res.text()).toBe("Ok.");
    const [t] = (await (await s.sonarr.call("GET", "torrents/info")).json()) as Array<
      Record<string, unknown>
    >;
    expect(t?.size).toBe(2 ** 40 + 123);
    expect(t?.total_size).toBe(2 ** 40 + 123);
    expect(Number.isInteger(t?.amount_left)).toBe(true);
  });
});
