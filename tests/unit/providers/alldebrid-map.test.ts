import { describe, expect, test } from "bun:test";
import {
  AD_STATUS_CODES,
  flattenFiles,
  mapMagnet,
  mapMagnetInfo,
  statusFromCode,
} from "../../../src/providers/alldebrid/map.ts";
import { ACTIVE_STATUSES, FAILED_STATUSES } from "../../../src/providers/types.ts";

describe("AllDebrid statusCode → our statuses", () => {
  test("0-3 are in progress, 4 is downloaded, 5-15 are failures, each keeps its documented text", () => {
    for (let code = 0; code <= 3; code++) expect(ACTIVE_STATUSES).toContain(statusFromCode(code));
    expect(statusFromCode(4)).toBe("downloaded");
    for (let code = 5; code <= 15; code++) expect(FAILED_STATUSES).toContain(statusFromCode(code));
    expect(Object.keys(AD_STATUS_CODES).length).toBe(16);
    expect(AD_STATUS_CODES[8]?.text).toBe("File too big");
    expect(AD_STATUS_CODES[15]).toEqual({ text: "File not available - no peer", status: "dead" });
    expect(statusFromCode(14)).toBe("magnet_error");
  });

  test("an undocumented code is never crashed on: above 4 an error, below it in progress", () => {
    expect(statusFromCode(42)).toBe("error");
    expect(statusFromCode(null)).toBe("queued");
  });
});

describe("mapMagnet", () => {
  test("a downloading magnet: progress from downloaded/size, speed and seeders, unix dates", () => {
    const t = mapMagnet({
      id: 123,
      filename: "Show.S01.1080p",
      size: 2000,
      hash: "ABCDEF0123456789ABCDEF0123456789ABCDEF01",
      status: "Downloading",
      statusCode: 1,
      downloaded: 500,
      seeders: 7,
      downloadSpeed: 1234,
      uploadDate: 1_700_000_000,
      completionDate: 0,
    });
    expect(t).toMatchObject({
      id: "123",
      status: "downloading",
      providerStatus: "Downloading",
      bytes: 2000,
      progress: 25,
      speed: 1234,
      seeders: 7,
      hash: "abcdef0123456789abcdef0123456789abcdef01",
      added: new Date(1_700_000_000_000).toISOString(),
      ended: null,
      links: [],
    });
  });

  test("ready magnets omit transfer fields and count as 100 %; errors keep AllDebrid's words", () => {
    const ready = mapMagnet({
      id: 1,
      filename: "a",
      size: 10,
      status: "Ready",
      statusCode: 4,
      uploadDate: 1,
      completionDate: 2,
    });
    expect(ready).toMatchObject({
      status: "downloaded",
      progress: 100,
      speed: null,
      ended: new Date(2000).toISOString(),
    });
    const failed = mapMagnet({
      id: 2,
      filename: "b",
      size: 10,
      status: "File too big",
      statusCode: 8,
      downloaded: 5,
    });
    expect(failed).toMatchObject({
      status: "error",
      providerStatus: "File too big",
      progress: 50,
      speed: null,
    });
  });

  test("garbage is tolerated, an entry without id is dropped", () => {
    expect(mapMagnet(null)).toBeNull();
    expect(mapMagnet({ filename: "x" })).toBeNull();
    const odd = mapMagnet({ id: "9", size: "oops", statusCode: "4" });
    expect(odd).toMatchObject({ id: "9", bytes: 0, status: "downloaded", filename: "" });
  });
});

describe("the magnet/files tree", () => {
  const tree = [
    { n: "Show.S01E01.mkv", s: 100, l: "https://alldebrid.com/f/AAA" },
    {
      n: "Show.S01",
      e: [
        { n: "Show.S01E02.mkv", s: 200, l: "https://alldebrid.com/f/BBB" },
        { n: "Subs", e: [{ n: "en.srt", s: 3, l: "https://alldebrid.com/f/CCC" }] },
      ],
    },
  ];

  test("flattens depth first into /paths with ids from 1, all selected, links index for index", () => {
    const { files, links } = flattenFiles(tree);
    expect(files).toEqual([
      { id: 1, path: "/Show.S01E01.mkv", bytes: 100, selected: true },
      { id: 2, path: "/Show.S01/Show.S01E02.mkv", bytes: 200, selected: true },
      { id: 3, path: "/Show.S01/Subs/en.srt", bytes: 3, selected: true },
    ]);
    expect(links).toEqual([
      "https://alldebrid.com/f/AAA",
      "https://alldebrid.com/f/BBB",
      "https://alldebrid.com/f/CCC",
    ]);
  });

  test("links are given only once the magnet is ready and every file has one", () => {
    const ready = mapMagnetInfo({ id: 5, filename: "Show", size: 303, statusCode: 4, status: "Ready" }, tree);
    expect(ready?.links.length).toBe(3);
    expect(ready?.files.length).toBe(3);
    const busy = mapMagnetInfo({ id: 5, filename: "Show", size: 303, statusCode: 1, status: "Downloading" }, [
      { n: "a.mkv", s: 1 },
    ]);
    expect(busy?.links).toEqual([]);
    expect(busy?.files).toEqual([{ id: 1, path: "/a.mkv", bytes: 1, selected: true }]);
    // By id the answer is one object; an array of one is accepted too.
    expect(mapMagnetInfo([{ id: 6, statusCode: 0 }], [])?.id).toBe("6");
  });

  test("a hostile tree (not arrays, no names, deep nesting) does not throw", () => {
    expect(flattenFiles("nope")).toEqual({ files: [], links: [] });
    expect(flattenFiles([null, 3, { s: 5 }]).files).toEqual([{ id: 1, path: "/", bytes: 5, selected: true }]);
    let deep: unknown = [{ n: "f", s: 1 }];
    for (let i = 0; i < 200; i++) deep = [{ n: "d", e: deep }];
    expect(flattenFiles(deep).files).toEqual([]);
  });
});
