import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { asc, eq, getTableColumns, inArray } from "drizzle-orm";
import { downloadFiles, downloadTorrents } from "../../../schema/downloads.ts";
import { openDatabase } from "../../../src/db/client.ts";
import {
  filesByGids,
  filesOf,
  filesOfMany,
  filesWithStatus,
  getFile,
  getTorrent,
  hasUnfinishedTorrents,
  insertFiles,
  insertTorrent,
  inTransaction,
  listTorrents,
  type NewDownloadTorrent,
  torrentsDueAtProvider,
  torrentsInStages,
  updateFile,
  updateTorrent,
} from "../../../src/db/repo/downloads.ts";
import type { DownloadStage } from "../../../src/domain/download-stage.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

// The reconciler's queries run on raw cached statements: each must return exactly what drizzle
// returns for the same rows (booleans, buffers, order), on a real migrated database file.
const dir = tempDir("redriva-dl-repo-");
const dbh = openDatabase(join(dir.path, "redriva.db"));
const db = dbh.db;
afterAll(() => {
  dbh.close();
  dir[Symbol.dispose]();
});

const STAGES = ["queued", "provider", "waiting", "downloading", "done", "error", "deleted"] as const;
const hashOf = (i: number) => i.toString(16).padStart(40, "0");
const torrentRow = (i: number): NewDownloadTorrent => ({
  hash: hashOf(i),
  name: `Name ${i} <b>"x"</b>`,
  source_kind: i % 3 === 0 ? "torrent" : "magnet",
  magnet: i % 3 === 0 ? null : `magnet:?xt=urn:btih:${hashOf(i)}`,
  torrent_file: i % 3 === 0 ? Buffer.from([0, 1, 2, 255, i % 256]) : null,
  category: i % 2 ? "tv-sonarr" : "radarr",
  save_path: `/downloads/${i}`,
  stage: STAGES[i % STAGES.length] as DownloadStage,
  paused: i % 4 === 0,
  force_start: i % 5 === 0,
  delete_files: i % 6 === 0,
  queue_order: (i * 7919) % 101,
  next_attempt_at: i * 10,
  added_on: 1_700_000_000_000 + (i % 13),
  last_activity: 0,
  progress_at: 0,
});

for (let i = 1; i <= 60; i++) {
  insertTorrent(db, torrentRow(i));
  insertFiles(db, [
    { hash: hashOf(i), file_index: 2, path: `b${i}.mkv`, size: i, link: "l", gid: `${i}`.padStart(16, "a") },
    {
      hash: hashOf(i),
      file_index: 1,
      path: `a${i}.mkv`,
      size: i,
      link: "l",
      gid: `${i}`.padStart(16, "b"),
      status: i % 2 ? "active" : "pending",
    },
  ]);
}

const { torrent_file: _blob, ...rowColumns } = getTableColumns(downloadTorrents);

describe("raw download queries match drizzle", () => {
  test("getTorrent: booleans as booleans, .torrent bytes as a Buffer", () => {
    for (const i of [3, 4, 5, 6, 7]) {
      const raw = getTorrent(db, hashOf(i));
      const viaDrizzle = db
        .select()
        .from(downloadTorrents)
        .where(eq(downloadTorrents.hash, hashOf(i)))
        .get();
      expect(raw).toEqual(viaDrizzle as NonNullable<typeof raw>);
      expect(typeof raw?.paused).toBe("boolean");
    }
    expect(Buffer.isBuffer(getTorrent(db, hashOf(3))?.torrent_file)).toBe(true);
    expect(getTorrent(db, hashOf(999))).toBeUndefined();
  });

  test("torrentsInStages: same rows, same order, no .torrent bytes", () => {
    const stages = ["waiting", "downloading", "error"] as const;
    const raw = torrentsInStages(db, [...stages]);
    const viaDrizzle = db
      .select(rowColumns)
      .from(downloadTorrents)
      .where(inArray(downloadTorrents.stage, [...stages]))
      .orderBy(asc(downloadTorrents.queue_order))
      .all();
    expect(raw.map((t) => t.hash)).toEqual(viaDrizzle.map((t) => t.hash));
    expect(raw).toEqual(viaDrizzle);
    expect(raw.length).toBeGreaterThan(10);
    expect(raw.every((t) => !("torrent_file" in t))).toBe(true);
  });

  test("torrentsDueAtProvider: queued/provider, not paused, due, in queue order, limited", () => {
    const due = torrentsDueAtProvider(db, 400, 5);
    const expected = [...Array(60).keys()]
      .map((k) => torrentRow(k + 1))
      .filter((t) => ["queued", "provider"].includes(t.stage) && !t.paused && (t.next_attempt_at ?? 0) <= 400)
      .sort((a, b) => a.queue_order - b.queue_order)
      .slice(0, 5);
    expect(due.map((t) => t.hash)).toEqual(expected.map((t) => t.hash));
  });

  test("listTorrents: filters by category, hashes and stages; lists of any length", () => {
    const hashes = [...Array(2000).keys()].map((k) => hashOf(k + 1));
    const visible = [...Array(60).keys()].map((k) => torrentRow(k + 1)).filter((t) => t.stage !== "deleted");
    expect(listTorrents(db, { hashes }).map((t) => t.hash)).toEqual(
      visible.sort((a, b) => a.added_on - b.added_on || a.hash.localeCompare(b.hash)).map((t) => t.hash),
    );
    const some = listTorrents(db, { hashes: [hashOf(1), hashOf(2), hashOf(13)], category: "tv-sonarr" });
    expect(some.map((t) => t.hash)).toEqual([hashOf(1)]); // 13 is deleted, 2 is radarr
    expect(listTorrents(db, { hashes: [] })).toEqual([]);
    expect(listTorrents(db, { stages: ["done"] }).every((t) => t.stage === "done")).toBe(true);
  });

  test("file queries: order, lists, statuses", () => {
    expect(filesOf(db, hashOf(9)).map((f) => f.file_index)).toEqual([1, 2]);
    const many = filesOfMany(db, [hashOf(9), hashOf(4)]);
    expect(many.map((f) => `${f.hash.slice(-1)}:${f.file_index}`)).toEqual(["4:1", "4:2", "9:1", "9:2"]);
    const active = filesWithStatus(db, ["active"]);
    const viaDrizzle = db.select().from(downloadFiles).where(eq(downloadFiles.status, "active")).all();
    expect(active).toEqual(viaDrizzle.sort((a, b) => a.id - b.id));
    expect(active.length).toBe(30);
    const gids = active.slice(0, 3).map((f) => f.gid);
    expect(filesByGids(db, gids).map((f) => f.gid)).toEqual(gids);
    expect(getFile(db, active[0]?.id ?? -1)).toEqual(active[0] as NonNullable<ReturnType<typeof getFile>>);
  });

  test("updates write booleans, nulls and numbers; undefined keys are left alone", () => {
    updateTorrent(db, hashOf(10), { paused: true, message: null, downloaded: 123, error: undefined });
    const row = db
      .select()
      .from(downloadTorrents)
      .where(eq(downloadTorrents.hash, hashOf(10)))
      .get();
    expect(row?.paused).toBe(true);
    expect(row?.message).toBeNull();
    expect(row?.downloaded).toBe(123);
    const file = filesOf(db, hashOf(10))[0];
    updateFile(db, file?.id ?? -1, { completed: 77, speed: 5 });
    expect(getFile(db, file?.id ?? -1)).toMatchObject({ completed: 77, speed: 5 });
  });

  test("an unknown column is refused, not interpolated", () => {
    expect(() =>
      updateTorrent(db, hashOf(11), { ['name" = 1; --']: 1 } as unknown as Parameters<
        typeof updateTorrent
      >[2]),
    ).toThrow(/no column/);
  });

  test("inTransaction rolls every write back when the work throws", () => {
    const before = getTorrent(db, hashOf(12))?.downloaded;
    expect(() =>
      inTransaction(db, () => {
        updateTorrent(db, hashOf(12), { downloaded: 999_999 });
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(getTorrent(db, hashOf(12))?.downloaded).toBe(before as number);
  });

  test("hasUnfinishedTorrents follows the stages", () => {
    expect(hasUnfinishedTorrents(db)).toBe(true);
    dbh.sqlite.exec(`UPDATE download_torrents SET stage = 'done' WHERE stage NOT IN ('error')`);
    expect(hasUnfinishedTorrents(db)).toBe(false);
  });
});

test("a deleted torrent stays deleted when a late provider step writes a stage (its other fields are kept)", () => {
  const hash = hashOf(61);
  insertTorrent(db, { ...torrentRow(61), stage: "queued" });
  updateTorrent(db, hash, { stage: "deleted" });
  updateTorrent(db, hash, { stage: "provider", provider: "realdebrid", provider_id: "RD123" });
  expect(getTorrent(db, hash)).toMatchObject({
    stage: "deleted",
    provider: "realdebrid",
    provider_id: "RD123",
  });
  // Any other stage still moves freely.
  updateTorrent(db, hashOf(1), { stage: "waiting" });
  updateTorrent(db, hashOf(1), { stage: "downloading" });
  expect(getTorrent(db, hashOf(1))?.stage).toBe("downloading");
});
