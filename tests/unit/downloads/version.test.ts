import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openDatabase } from "../../../src/db/client.ts";
import {
  downloadsVersion,
  insertCategory,
  insertFiles,
  insertTorrent,
  updateFile,
  updateTorrent,
} from "../../../src/db/repo/downloads.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

// The qBit answer cache keys on downloadsVersion: it must move on every visible change (from
// this connection or another one) and stay put on bookkeeping-only writes.
const dir = tempDir("redriva-dl-version-");
const path = join(dir.path, "redriva.db");
const one = openDatabase(path);
const two = openDatabase(path);
afterAll(() => {
  one.close();
  two.close();
  dir[Symbol.dispose]();
});

const hash = "a".repeat(40);

describe("downloadsVersion", () => {
  test("moves on visible writes of either connection, not on bookkeeping or foreign tables", () => {
    const db = one.db;
    let last = downloadsVersion(db);
    const moved = () => {
      const now = downloadsVersion(db);
      const changed = now !== last;
      last = now;
      return changed;
    };
    expect(moved()).toBe(false);
    insertTorrent(db, {
      hash,
      name: "n",
      source_kind: "magnet",
      magnet: `magnet:?xt=urn:btih:${hash}`,
      category: "",
      save_path: "/d",
      stage: "queued",
      added_on: 1,
      last_activity: 1,
      progress_at: 1,
      queue_order: 1,
    });
    expect(moved()).toBe(true);
    updateTorrent(db, hash, { attempts: 2, message: "polled" });
    expect(moved()).toBe(false);
    updateTorrent(db, hash, { stage: "waiting" });
    expect(moved()).toBe(true);
    insertFiles(db, [
      { hash, file_index: 0, path: "a.mkv", size: 10, link: "https://x/1", gid: "0000000000000001" },
    ]);
    expect(moved()).toBe(true);
    updateFile(db, (one.sqlite.query("SELECT id FROM download_files").get() as { id: number }).id, {
      completed: 5,
    });
    expect(moved()).toBe(true);
    insertCategory(db, "tv", "/tv");
    expect(moved()).toBe(true);
    one.sqlite.exec("INSERT INTO metric_samples (name, labels, at, value) VALUES ('x', '{}', 1, 1)");
    expect(moved()).toBe(false);
    // Another connection (the CLI): SQLite's data_version.
    updateTorrent(two.db, hash, { stage: "downloading" });
    expect(moved()).toBe(true);
    expect(moved()).toBe(false);
  });

  test("each connection counts its own writes", () => {
    const before = downloadsVersion(two.db);
    updateTorrent(two.db, hash, { name: "renamed" });
    expect(downloadsVersion(two.db)).not.toBe(before);
  });
});
