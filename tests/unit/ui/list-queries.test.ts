import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { seedLibraryDb } from "../../../scripts/bench/lib/seed-library.ts";
import { type DbHandle, openDatabase } from "../../../src/db/client.ts";
import {
  allSeqs,
  type ListFilter,
  libraryVersion,
  matchingStatusCounts,
  pageSeqs,
  providerCounts,
  rowsBySeq,
  SORT_KEYS,
  statusCounts,
} from "../../../src/db/repo/torrent-queries.ts";
import { VersionedCache } from "../../../src/services/library-view/cache.ts";
import { STATUS_GROUPS } from "../../../src/services/library-view/filters.ts";
import { buildMatchExpression } from "../../../src/services/library-view/search.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

// The index-ordered queries against a plain JavaScript sort of the same rows: every sort, both
// directions, with and without filters, page by page and as one list.
const dir = tempDir("redriva-ui-queries-");
let dbh: DbHandle;
interface Row {
  seq: number;
  filename: string;
  status: string;
  bytes: number;
  added_on: string;
  progress: number;
  removed_at: number | null;
}
let rows: Row[];

beforeAll(() => {
  const path = join(dir.path, "redriva.db");
  seedLibraryDb(path, 1500);
  dbh = openDatabase(path);
  // Some removed ones, some without details, equal keys (ties must keep a stable order).
  dbh.sqlite.exec("UPDATE torrents SET removed_at = 1 WHERE seq % 17 = 0");
  dbh.sqlite.exec("DELETE FROM torrent_details WHERE id IN (SELECT id FROM torrents WHERE seq % 11 = 0)");
  dbh.sqlite.exec(
    "UPDATE torrents SET bytes = 1000, added_on = '2026-01-01T00:00:00.000Z' WHERE seq % 5 = 0",
  );
  rows = dbh.sqlite
    .query<Row, []>("SELECT seq, filename, status, bytes, added_on, progress, removed_at FROM torrents")
    .all();
});
afterAll(() => {
  dbh.close();
  dir[Symbol.dispose]();
});

const collator = (a: string, b: string) => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
};
const cmp = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);

function expected(
  filter: (r: Row) => boolean,
  sort: (typeof SORT_KEYS)[number],
  dir: "asc" | "desc",
): number[] {
  const key = (a: Row, b: Row): number => {
    switch (sort) {
      case "added":
        return cmp(a.added_on, b.added_on);
      case "size":
        return cmp(a.bytes, b.bytes);
      case "name":
        return collator(a.filename, b.filename);
      case "progress":
        return cmp(a.progress, b.progress);
      case "status":
        return cmp(a.status, b.status) || cmp(a.added_on, b.added_on);
    }
  };
  const sign = dir === "asc" ? 1 : -1;
  return rows
    .filter(filter)
    .sort((a, b) => sign * (key(a, b) || a.seq - b.seq))
    .map((r) => r.seq);
}

const live = (r: Row) => r.removed_at === null;
const filters: Array<[string, ListFilter, (r: Row) => boolean]> = [
  ["all", { status: { kind: "all" }, match: null }, live],
  [
    "downloaded",
    { status: { kind: "status", status: "downloaded" }, match: null },
    (r) => live(r) && r.status === "downloaded",
  ],
  [
    "failed group",
    { status: { kind: "group", statuses: STATUS_GROUPS.failed }, match: null },
    (r) => live(r) && STATUS_GROUPS.failed.includes(r.status),
  ],
  ["removed", { status: { kind: "removed" }, match: null }, (r) => r.removed_at !== null],
];

describe("ordered lists match a plain sort", () => {
  for (const [name, filter, predicate] of filters) {
    for (const sort of SORT_KEYS) {
      for (const dir of ["asc", "desc"] as const) {
        test(`${name}, ${sort} ${dir}`, () => {
          const want = expected(predicate, sort, dir);
          const all = Array.from(allSeqs(dbh, filter, { sort, dir }));
          expect(all).toEqual(want);
          // Direct pages agree with the list: no row twice, none skipped.
          const pages = [0, 50, Math.max(0, want.length - 30)].map((offset) =>
            pageSeqs(dbh, filter, { sort, dir }, offset, 50),
          );
          expect(pages[0]).toEqual(want.slice(0, 50));
          expect(pages[1]).toEqual(want.slice(50, 100));
          expect(pages[2]).toEqual(want.slice(Math.max(0, want.length - 30)));
        });
      }
    }
  }
});

describe("search and special views", () => {
  test("search finds names and file paths, combined with a status", () => {
    const withPaths = dbh.sqlite.query<{ seq: number }, []>(
      "SELECT t.seq FROM torrents t JOIN torrent_files f ON f.torrent_id = t.id WHERE f.path LIKE '%Severance%' AND t.removed_at IS NULL GROUP BY t.seq",
    );
    const want = new Set(withPaths.all().map((r) => r.seq));
    const got = allSeqs(
      dbh,
      { status: { kind: "all" }, match: '"severance"*' },
      { sort: "added", dir: "desc" },
    );
    expect(new Set(got)).toEqual(want);
    const downloaded = allSeqs(
      dbh,
      { status: { kind: "status", status: "downloaded" }, match: '"severance"*' },
      { sort: "name", dir: "asc" },
    );
    const statusOf = new Map(rows.map((r) => [r.seq, r.status]));
    expect(downloaded.length).toBeGreaterThan(0);
    for (const seq of downloaded) expect(statusOf.get(seq)).toBe("downloaded");
  });

  test("without details: present torrents that have no details row", () => {
    const got = allSeqs(
      dbh,
      { status: { kind: "missing_details" }, match: null },
      { sort: "added", dir: "desc" },
    );
    const want = expected((r) => live(r) && r.seq % 11 === 0, "added", "desc");
    expect(Array.from(got)).toEqual(want);
  });

  test("rows come back in the order asked, unknown seqs dropped", () => {
    const picked = [rows[5]?.seq, rows[2]?.seq, 999_999, rows[9]?.seq] as number[];
    expect(rowsBySeq(dbh, picked).map((r) => r.seq)).toEqual([
      picked[0] as number,
      picked[1] as number,
      picked[3] as number,
    ]);
    expect(rowsBySeq(dbh, [])).toEqual([]);
  });

  test("rows of any page length: short last pages, every per-page size, and more", () => {
    const seqs = rows.map((r) => r.seq).reverse();
    for (const length of [1, 7, 25, 26, 50, 99, 100, 101, 200, 201, 450]) {
      const picked = seqs.slice(0, length);
      const got = rowsBySeq(dbh, picked);
      expect(got.map((r) => r.seq)).toEqual(picked);
      expect(got.every((r) => typeof r.has_details === "number" && r.id !== "")).toBe(true);
    }
  });

  test("counts per status, removed and with details", () => {
    const counts = statusCounts(dbh);
    expect(counts.present).toBe(rows.filter(live).length);
    expect(counts.removed).toBe(rows.filter((r) => !live(r)).length);
    expect(counts.byStatus.downloaded).toBe(rows.filter((r) => live(r) && r.status === "downloaded").length);
    expect(counts.withDetails).toBe(rows.filter((r) => live(r) && r.seq % 11 !== 0).length);
  });
});

describe("library version and cache", () => {
  test("the version moves on visible changes only", () => {
    const v0 = libraryVersion(dbh);
    dbh.sqlite.exec("UPDATE torrents SET last_seen_at = last_seen_at + 1");
    expect(libraryVersion(dbh)).toBe(v0);
    dbh.sqlite.exec("UPDATE torrents SET status = 'dead' WHERE seq = (SELECT MIN(seq) FROM torrents)");
    const v1 = libraryVersion(dbh);
    expect(v1).toBeGreaterThan(v0);
    dbh.sqlite.exec("UPDATE torrent_details SET fetched_at = fetched_at + 1 WHERE rowid = 1");
    expect(libraryVersion(dbh)).toBeGreaterThan(v1);
  });

  test("VersionedCache recomputes on a new version and evicts the least recently used", () => {
    const cache = new VersionedCache(2, 100);
    let computed = 0;
    const value = (v: number) => cache.get("a", v, () => ++computed);
    expect(value(1)).toBe(1);
    expect(value(1)).toBe(1);
    expect(value(2)).toBe(2);
    cache.get("b", 1, () => "b");
    cache.get("a", 2, () => "never");
    cache.get("c", 1, () => "c");
    expect(cache.size).toBe(2);
    expect(cache.get("b", 1, () => "recomputed")).toBe("recomputed");
    const heavy = new VersionedCache(10, 100);
    heavy.get(
      "x",
      1,
      () => new Int32Array(80),
      (l) => l.length,
    );
    heavy.get(
      "y",
      1,
      () => new Int32Array(80),
      (l) => l.length,
    );
    expect(heavy.size).toBe(1);
  });
});

describe("counts from one walk of ui_live_counts", () => {
  test("per status, per provider and per search, as a naive join counts them", () => {
    dbh.sqlite.exec("UPDATE torrents SET provider = 'alldebrid' WHERE seq % 3 = 0");
    const match = buildMatchExpression("1080p") as string;
    const naive = (where: string, params: string[]) => {
      const groups = dbh.sqlite
        .query<{ status: string; removed: number; n: number; details: number }, string[]>(
          `SELECT t.status, t.removed_at IS NOT NULL AS removed, COUNT(*) AS n, COUNT(d.id) AS details
             FROM torrents t LEFT JOIN torrent_details d ON d.provider = t.provider AND d.id = t.id
            WHERE ${where} GROUP BY 1, 2`,
        )
        .all(...params);
      const counts = { byStatus: {} as Record<string, number>, present: 0, removed: 0, withDetails: 0 };
      for (const g of groups) {
        if (g.removed) {
          counts.removed += g.n;
          continue;
        }
        counts.byStatus[g.status] = g.n;
        counts.present += g.n;
        counts.withDetails += g.details;
      }
      return counts;
    };
    const matching = "t.seq IN (SELECT rowid FROM torrent_search WHERE torrent_search MATCH ?)";
    for (const provider of [null, "realdebrid", "alldebrid"]) {
      const where = provider === null ? [] : ["t.provider = ?"];
      const params = provider === null ? [] : [provider];
      const all = naive(["1", ...where].join(" AND "), params);
      expect(all.present).toBeGreaterThan(0);
      expect(statusCounts(dbh, provider)).toEqual(all);
      const found = naive([...where, matching].join(" AND "), [...params, match]);
      expect(found.present).toBeGreaterThan(0);
      expect(found.present).toBeLessThan(all.present);
      expect(matchingStatusCounts(dbh, provider, match)).toEqual(found);
    }
    expect(providerCounts(dbh)).toEqual(
      dbh.sqlite
        .query<{ provider: string; count: number; bytes: number }, []>(
          `SELECT provider, COUNT(*) AS count, SUM(bytes) AS bytes FROM torrents
            WHERE removed_at IS NULL GROUP BY provider ORDER BY count DESC, provider`,
        )
        .all(),
    );
  });
});
